// The clerks' theme: MUI's defaults with contrast checked for WCAG 2.1 AA (4.5:1 for text) and a
// focus ring that is always visible (2.4.7), not only MUI's ripple.
import { createTheme } from '@mui/material/styles';

export const theme = createTheme({
  palette: {
    primary: { main: '#0b4f8a' },
    secondary: { main: '#6a1b9a' },
    success: { main: '#1b5e20' },
    warning: { main: '#8a4b00', contrastText: '#ffffff' },
    error: { main: '#b3261e' },
    info: { main: '#01579b' },
    text: { secondary: '#4a4a4a' },
    background: { default: '#f5f6f8' },
  },
  typography: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif',
  },
  components: {
    MuiButtonBase: { defaultProps: { disableRipple: false } },
    MuiCssBaseline: {
      styleOverrides: {
        // `html` makes the rule outweigh MUI's own `outline: 0` on ButtonBase (buttons, links as
        // buttons, tabs, menu items), which an equally specific `*:focus-visible` lost to.
        'html *:focus-visible': { outline: '3px solid #f9a825', outlineOffset: '2px' },
        // Inside scrolling boxes (tabs, menus, lists) a ring outside the element would be cut off.
        'html :is(.MuiTab-root, .MuiMenuItem-root, .MuiListItemButton-root, [role="option"]):focus-visible': { outlineOffset: '-3px' },
        kbd: { fontFamily: 'ui-monospace, monospace', border: '1px solid #999', borderRadius: 3, padding: '0 4px', background: '#fafafa' },
      },
    },
  },
});
