import { parseHeaderBlock } from './loops';
import { reportKindOf, returnedMessageIds } from './reports';

const kind = (block: string, from?: string, subject?: string) => reportKindOf(parseHeaderBlock(block), from, subject);

describe('reports about another message', () => {
  it('are told by their report-type', () => {
    expect(kind('Content-Type: multipart/report; report-type=delivery-status; boundary="x"\r\n')).toBe('delivery');
    expect(kind('Content-Type: multipart/report; report-type="disposition-notification"\r\n')).toBe('disposition');
    expect(kind('Content-Type: multipart/report; report-type=feedback-report\r\n')).toBe('feedback');
  });

  it('include the free-form bounces of mailer daemons and Exim', () => {
    expect(kind('Content-Type: text/plain\r\n', 'mailer-daemon@x.es', 'Undelivered Mail Returned to Sender')).toBe('delivery');
    expect(kind('X-Failed-Recipients: a@b.c\r\n')).toBe('delivery');
    expect(kind('Content-Type: text/plain\r\n', 'ana@x.es', 'Undelivered Mail Returned to Sender')).toBeUndefined();
  });

  it('name what they return by the Message-IDs of the quoted headers', () => {
    const quoted = 'Received: from x\r\nMessage-ID: <orig-1@ayto.example>\r\nSubject: hola\r\n';
    expect(returnedMessageIds([quoted, 'Original-Message-ID: <orig-2@ayto.example>', '> message-id:<orig-1@ayto.example>'])).toEqual(['orig-1@ayto.example', 'orig-2@ayto.example']);
  });
});
