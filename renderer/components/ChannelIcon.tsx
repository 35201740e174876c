import CallIcon from '@mui/icons-material/Call';
import ChatIcon from '@mui/icons-material/Chat';
import DescriptionIcon from '@mui/icons-material/Description';
import MailIcon from '@mui/icons-material/Mail';
import PersonPinIcon from '@mui/icons-material/PersonPin';
import WorkIcon from '@mui/icons-material/Work';
import type { SvgIconProps } from '@mui/material/SvgIcon';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../core/schemas';

/** Each channel's icon, for lists that name the channel themselves (no hook per row). */
export const CHANNEL_ICONS: Record<Channel, typeof MailIcon> = {
  email: MailIcon,
  phone: CallIcon,
  visit: PersonPinIcon,
  web_form: DescriptionIcon,
  chat: ChatIcon,
  internal: WorkIcon,
};

/** The icon of a channel, with its name for screen readers. */
export function ChannelIcon({ channel, ...props }: { channel: Channel } & SvgIconProps) {
  const { t } = useTranslation();
  const Icon = CHANNEL_ICONS[channel];
  return <Icon titleAccess={t(`channel.${channel}`)} fontSize="small" {...props} />;
}
