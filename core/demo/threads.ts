/**
 * The messages of one demo ticket, written out: mail in and out with their headers, calls, visits,
 * web forms, chats and internal notes, in Spanish, from the topic's sentences and some that every
 * department uses. caseload.ts decides who does what and when; this module only writes it.
 */
import { NO_CITIZEN, type AttachmentMeta, type Channel, type MailAddress, type Message, type MessageKind } from '../schemas';
import { COUNCIL_DOMAIN, COUNCIL_NAME, GENERAL_MAILBOX, OFFICES, departmentMailbox, type DepartmentPlan } from './council';
import { NEIGHBOURHOODS, personName, street, surname, type Gender } from './people';
import { dayOf, spanishDate, spanishWeekdayDate, weekdayOf, yearOf } from './madrid-time';
import type { Random } from './random';
import type { Topic, TopicCase } from './topics';

/** What happens in a thread, in order; see caseload.ts for when each happens. */
export type Step =
  /** How the ticket came in: the citizen's mail, form, call, visit or chat, or a clerk's note. */
  | 'opening'
  /** The automatic acknowledgement of a mail or form. */
  | 'ack'
  /** A clerk's internal note. */
  | 'note'
  /** The council asks the citizen for documents. */
  | 'request'
  /** The citizen sends what was asked. */
  | 'reply'
  /** The citizen asks again, unanswered so far. */
  | 'followup'
  /** The council's answer that settles the case. */
  | 'answer';

export type ThreadCitizen = {
  id: string;
  /** As they sign: 'María José García López' or the organisation's name. */
  name: string;
  given: string;
  gender: Gender;
  email?: string;
  phone?: string;
  address?: string;
  documentNumber: string;
};

export type ThreadClerk = { id: string; name: string; email: string };

export type ThreadContext = {
  random: Random;
  reference: string;
  topic: Topic;
  channel: Channel;
  /** Undefined while the ticket waits in the intake queue. */
  department: DepartmentPlan | undefined;
  citizen: ThreadCitizen | undefined;
  /** Writes the notes, requests and answers. */
  clerk: ThreadClerk;
  /** Took the call or attended the visit that opened the ticket. */
  frontDesk: ThreadClerk;
  createdAt: number;
};

const ARBOLES = ['plátanos de sombra', 'olmos', 'moreras', 'acacias', 'pinos', 'chopos', 'tilos', 'castaños de Indias'];
const NEGOCIOS = ['el bar La Esquina', 'la cafetería El Paseo', 'el bar Los Arcos', 'la cervecería La Plaza', 'el restaurante Casa Paco', 'la churrería San Isidro', 'el pub Vértigo', 'la pizzería Da Luca', 'el mesón El Cordero', 'la panadería Hermanos Ruiz'];
const PLATE_LETTERS = 'BCDFGHJKLMNPRSTVWXYZ';

/** The values of a ticket's placeholders, drawn once so the whole thread tells the same story. */
export class Placeholders {
  private readonly values = new Map<string, string>();

  constructor(private readonly context: ThreadContext) {}

  private draw(key: string): string {
    const { random, citizen, createdAt, department, reference } = this.context;
    const today = dayOf(createdAt);
    switch (key) {
      case 'calle':
        return street(random);
      case 'direccion':
        return citizen?.address ?? `${this.get('calle')} ${random.between(1, 80)}`;
      case 'numero':
        return String(random.between(1, 120));
      case 'barrio':
        return random.pick(NEIGHBOURHOODS);
      case 'fecha':
        return spanishDate(today - random.between(1, 40));
      case 'dia': {
        // A working day ahead: an appointment, a visit, a collection.
        let day = today + random.between(3, 20);
        while (weekdayOf(day) > 5) day++;
        return spanishWeekdayDate(day);
      }
      case 'hora':
        return `${random.between(9, 13)}:${random.pick(['00', '15', '30', '45'])}`;
      case 'importe':
        return `${random.between(12, 1800)},${String(random.int(100)).padStart(2, '0')} €`;
      case 'matricula':
        return `${random.digits(4)} ${Array.from({ length: 3 }, () => PLATE_LETTERS[random.int(PLATE_LETTERS.length)]).join('')}`;
      case 'expediente':
        return `${department?.code ?? 'OAC'}/${yearOf(today)}/${random.between(100, 9999)}`;
      case 'ref':
        return reference;
      case 'anio':
        return String(yearOf(today) - random.int(2));
      case 'vecino':
        return surname(random);
      case 'negocio':
        return random.pick(NEGOCIOS);
      case 'nombre':
        return citizen?.given ?? '';
      case 'hijo':
        return personName(random).given;
      case 'arbol':
        return random.pick(ARBOLES);
      default:
        // Not a placeholder of ours: left for the caller to fill.
        return `{${key}}`;
    }
  }

  get(key: string): string {
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.draw(key);
      this.values.set(key, value);
    }
    return value;
  }

  fill(template: string): string {
    return template.replace(/\{([a-z]+)\}/g, (_, key: string) => this.get(key));
  }
}

const CITIZEN_GREETINGS = ['Buenos días,', 'Buenas tardes,', 'Hola,', 'Estimados señores:', 'Buenos días:', 'A quien corresponda:'];
const CITIZEN_CLOSINGS = ['Muchas gracias.', 'Quedo a la espera de su respuesta.', 'Gracias de antemano.', 'Un saludo.', 'Agradecería una respuesta lo antes posible.', 'Gracias por su atención.'];
const FOLLOWUPS = [
  'Hace días que envié mi solicitud con referencia {ref} y todavía no he tenido respuesta.',
  '¿Me pueden decir en qué estado está mi solicitud {ref}?',
  'Vuelvo a escribir porque el problema sigue exactamente igual.',
  'Les escribo de nuevo por el asunto que les comenté el {fecha}; nadie me ha contestado.',
  'Perdonen la insistencia, pero necesito saber algo antes de final de mes.',
];
const REPLIES = [
  'Adjunto la documentación que me solicitaron: {documento}.',
  'Les envío {documento}. Si falta algo, díganmelo, por favor.',
  'Perdonen el retraso, no he podido conseguir antes {documento}.',
  'Aquí tienen {documento}, escaneado en PDF.',
  'Les paso {documento}; el resto lo llevaré en persona a la OAC.',
];
const CLERK_INTROS = ['En relación con su solicitud {ref}, le informamos de lo siguiente.', 'Atendiendo a su consulta con referencia {ref}:', 'Respecto a su escrito, registrado con la referencia {ref}:', ''];
const REQUESTS = [
  'Para continuar con la tramitación necesitamos que nos aporte {documentos}.',
  'Le rogamos que nos envíe {documentos} en el plazo de diez días hábiles; pasado ese plazo sin recibirlo, se archivará la solicitud.',
  'Antes de resolver necesitamos {documentos}. Puede aportarlo por la sede electrónica o en cualquier oficina de registro.',
];
const CLERK_CLOSINGS = [
  'Quedamos a su disposición para cualquier aclaración.',
  'Puede responder a este mismo correo indicando la referencia {ref}.',
  'Para cualquier duda puede llamar al 010 en horario de 9:00 a 14:00.',
  '',
];
const GENERIC_NOTES = [
  'Llamo a {nombre} sin respuesta; lo intento de nuevo mañana.',
  'Hablado con {nombre} por teléfono: confirma los datos de la solicitud.',
  'Revisado el expediente: no consta ninguna solicitud anterior sobre este asunto.',
  'Consultado con la jefa de servicio; seguimos el criterio habitual.',
  'Duplicado de otro aviso del mismo asunto; lo dejo vinculado en las etiquetas.',
  'Pendiente de informe técnico.',
];
const CALL_ACTIONS = [
  'Se le informa de los requisitos y se abre el caso.',
  'Se le indica que puede hacerlo por la sede electrónica, pero prefiere que lo tramitemos desde aquí.',
  'Queda en enviar la documentación por correo electrónico.',
  'Se toma nota y se le da la referencia {ref}.',
];
const VISIT_ACTIONS = [
  'Se le entrega el impreso y se registra la solicitud.',
  'Aporta copia del DNI, que se escanea y se adjunta.',
  'Se le explica el procedimiento y se le da la referencia {ref}.',
  'Se le da cita con el personal técnico del departamento.',
];
const FORM_REQUESTS = ['que se atienda esta solicitud.', 'que se me informe del estado del trámite.', 'que se resuelva lo antes posible.', 'que se tomen las medidas oportunas.'];

const ATTACHMENT_KINDS: readonly (readonly [string, string, number])[] = [
  ['documentacion.pdf', 'application/pdf', 420_000],
  ['DNI_escaneado.pdf', 'application/pdf', 380_000],
  ['foto.jpg', 'image/jpeg', 2_100_000],
  ['IMG_20240312_101522.jpg', 'image/jpeg', 3_400_000],
  ['presupuesto.pdf', 'application/pdf', 160_000],
  ['justificante_pago.pdf', 'application/pdf', 95_000],
  ['plano.pdf', 'application/pdf', 1_200_000],
];

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function paragraphs(...parts: string[]): string {
  return parts.filter((part) => part.length > 0).join('\n\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function htmlOf(text: string): string {
  return '<div dir="ltr">' + text.split('\n\n').map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('') + '</div>';
}

/** Builds the messages of one thread, keeping the mail headers chained. */
export class ThreadWriter {
  readonly placeholders: Placeholders;
  /** The ticket's subject, from the topic, placeholders filled. */
  readonly subject: string;
  private readonly case: TopicCase;
  private readonly mailbox: string;
  private readonly references: string[] = [];
  private mailCount = 0;

  constructor(private readonly context: ThreadContext) {
    this.placeholders = new Placeholders(context);
    // One case of the topic per ticket, so the subject, the citizen's words and the answer tell
    // the same story.
    this.case = context.random.pick(context.topic.cases);
    this.subject = this.placeholders.fill(context.random.pick(this.case.subjects));
    this.mailbox = context.department ? departmentMailbox(context.department) : GENERAL_MAILBOX;
  }

  private fill(template: string): string {
    return this.placeholders.fill(template);
  }

  private pickFilled(templates: readonly string[]): string {
    return this.fill(this.context.random.pick(templates));
  }


  private get citizenId(): string {
    return this.context.citizen?.id ?? NO_CITIZEN;
  }

  private documents(count: number): string {
    const { topic, random } = this.context;
    const list = topic.documents.length > 0 ? random.sample(topic.documents, count) : ['copia de su documento de identidad'];
    return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} y ${list[list.length - 1]}`;
  }

  private attachments(count: number): AttachmentMeta[] {
    const { random } = this.context;
    return Array.from({ length: count }, () => {
      const [name, mimeType, size] = random.pick(ATTACHMENT_KINDS);
      return { sha256: random.hex(64), name, mimeType, size: Math.round(size * (0.3 + random.next())) };
    });
  }

  private citizenMail(body: string, at: number, subject: string): Message {
    const { random, citizen } = this.context;
    const from: MailAddress = { address: citizen?.email ?? `anonimo@${COUNCIL_DOMAIN}`, name: citizen?.name ?? 'Anónimo' };
    const messageId = `${random.hex(24)}@mail.${from.address.split('@')[1]}`;
    const message = this.mail('email_in', body, at - random.between(5_000, 90_000), subject, messageId, from, [{ address: this.mailbox }]);
    if (random.chance(0.25)) message.html = htmlOf(body);
    return { ...message, createdAt: at };
  }

  private councilMail(body: string, at: number, subject: string, auto = false): Message {
    const { random, citizen, reference, clerk } = this.context;
    const messageId = `${reference}.${++this.mailCount}.${random.hex(10)}@${COUNCIL_DOMAIN}`;
    const from: MailAddress = { address: this.mailbox, name: auto ? COUNCIL_NAME : `${clerk.name} · ${COUNCIL_NAME}` };
    const to: MailAddress[] = citizen?.email ? [{ address: citizen.email, name: citizen.name }] : [];
    const message = this.mail('email_out', body, at, subject, messageId, from, to);
    return auto ? { ...message, auto: true } : { ...message, authorId: clerk.id };
  }

  private mail(kind: 'email_in' | 'email_out', text: string, sentAt: number, subject: string, messageId: string, from: MailAddress, to: MailAddress[]): Message {
    const previous = this.references[this.references.length - 1];
    const email = {
      messageId,
      ...(previous ? { inReplyTo: previous } : {}),
      references: [...this.references],
      from,
      to,
      cc: [],
      mailbox: this.mailbox,
      sentAt,
    };
    this.references.push(messageId);
    return {
      id: this.context.random.hex(40),
      kind,
      ticketId: '',
      citizenId: this.citizenId,
      subject,
      text,
      email,
      attachments: [],
      createdAt: sentAt,
      auto: false,
    };
  }

  private plain(kind: MessageKind, text: string, at: number, authorId?: string): Message {
    return {
      id: '',
      kind,
      ticketId: '',
      citizenId: kind === 'note' ? NO_CITIZEN : this.citizenId,
      ...(authorId ? { authorId } : {}),
      text,
      attachments: [],
      createdAt: at,
      auto: false,
    };
  }

  private signature(): string {
    const { clerk, department } = this.context;
    return `Atentamente,\n${clerk.name}\n${department?.office ?? 'Registro General'}\n${COUNCIL_NAME}`;
  }

  private clerkLetter(core: string): string {
    const { citizen } = this.context;
    const greeting = citizen ? `${citizen.gender === 'female' ? 'Estimada' : 'Estimado'} ${citizen.given}:` : 'Buenos días:';
    return paragraphs(greeting, this.pickFilled(CLERK_INTROS), core, this.pickFilled(CLERK_CLOSINGS), this.signature());
  }

  private citizenLetter(core: string): string {
    const { random, citizen } = this.context;
    const body = paragraphs(random.pick(CITIZEN_GREETINGS), core, random.pick(CITIZEN_CLOSINGS));
    return citizen ? `${body}\n${citizen.name}${random.chance(0.3) && citizen.phone ? `\nTel. ${citizen.phone.replace('+34', '')}` : ''}` : body;
  }

  private ask(): string {
    const { topic, random } = this.context;
    const details = random.sample(topic.details, random.between(0, Math.min(2, topic.details.length)));
    return [this.fill(this.case.ask), ...details.map((d) => this.fill(d))].join(' ');
  }

  /**
   * The message of one step at one moment. Mail gets its id here (40 hex characters, the shape of
   * an id derived from a Message-ID); the caller sets `ticketId`, and the id of the others.
   */
  write(step: Step, at: number): Message {
    const { topic, random, channel, citizen, clerk, frontDesk } = this.context;
    const subject = this.subject;
    const replyTo = /^re:/i.test(subject) ? subject : `Re: ${subject}`;
    const tagged = `RE: ${subject} [Ref. ${this.context.reference}]`;
    const byMail = !!citizen?.email;
    switch (step) {
      case 'opening':
        return this.opening(at);
      case 'ack':
        return this.councilMail(
          paragraphs(
            `${citizen?.gender === 'female' ? 'Estimada' : 'Estimado'} ${citizen?.given ?? 'vecino'}:`,
            this.fill('Hemos recibido su solicitud, registrada con la referencia {ref}. Le responderemos en el menor plazo posible; puede consultar su estado en la sede electrónica indicando esa referencia.'),
            `Este es un mensaje automático del ${COUNCIL_NAME}; por favor, no responda a este correo.`,
          ),
          at,
          `Acuse de recibo: ${subject} [Ref. ${this.context.reference}]`,
          true,
        );
      case 'note': {
        const pool = random.chance(0.6) ? topic.notes : GENERIC_NOTES;
        return this.plain('note', this.fill(random.pick(pool)), at, clerk.id);
      }
      case 'request': {
        const core = this.fill(random.pick(REQUESTS)).replace('{documentos}', this.documents(random.between(1, 2)));
        if (channel === 'chat') return this.plain('chat', `Hola, ${citizen?.given ?? ''}. ${core}`, at, clerk.id);
        if (byMail && random.chance(0.85)) return this.councilMail(this.clerkLetter(core), at, tagged);
        return this.call('outbound', `Llamo a ${citizen?.name ?? 'la persona interesada'} para pedirle ${this.documents(1)}. Queda en traerlo a la OAC esta semana.`, at, clerk);
      }
      case 'reply': {
        const core = this.fill(random.pick(REPLIES)).replace('{documento}', this.documents(1));
        if (byMail && random.chance(0.75)) {
          const mail = this.citizenMail(this.citizenLetter(core), at, replyTo);
          return random.chance(0.7) ? { ...mail, attachments: this.attachments(random.between(1, 3)) } : mail;
        }
        const visit = this.visit(`${cap(citizen?.name ?? 'La persona interesada')} trae ${this.documents(1)}. Se escanea y se adjunta al caso.`, at, frontDesk);
        return { ...visit, attachments: this.attachments(1) };
      }
      case 'followup': {
        const core = this.pickFilled(FOLLOWUPS);
        if (byMail && random.chance(0.7)) return this.citizenMail(this.citizenLetter(core), at, replyTo);
        const said = random.pick(['dice que sigue sin respuesta', 'dice que el problema sigue igual', 'pide que le llamen cuando haya novedades', 'se le explica que está en trámite']);
        return this.call('inbound', `Llama ${citizen?.name ?? 'la persona interesada'} preguntando por su caso ${this.context.reference}: ${said}.`, at, frontDesk);
      }
      case 'answer': {
        const core = this.pickFilled(this.case.answers);
        if (channel === 'chat') return this.plain('chat', `${citizen?.given ?? ''}, ${core.charAt(0).toLowerCase()}${core.slice(1)} ¿Le puedo ayudar en algo más?`, at, clerk.id);
        if (!citizen) return this.plain('note', `${core} Se cierra el parte.`, at, clerk.id);
        if (byMail && random.chance(0.9)) return this.councilMail(this.clerkLetter(core), at, tagged);
        return this.call('outbound', `Llamo a ${citizen.name} para comunicarle la resolución. ${core}`, at, clerk);
      }
    }
  }

  private opening(at: number): Message {
    const { topic, random, channel, citizen, frontDesk } = this.context;
    const subject = this.subject;
    const summary = this.fill(this.case.summary);
    switch (channel) {
      case 'email':
        return this.citizenMail(this.citizenLetter(this.ask()), at, subject);
      case 'web_form': {
        const lines = [
          `Formulario: ${topic.form}`,
          `Nombre: ${citizen?.name ?? ''}`,
          citizen?.documentNumber ? `Documento: ${citizen.documentNumber}` : '',
          citizen?.address ? `Dirección: ${citizen.address}` : '',
          citizen?.phone ? `Teléfono: ${citizen.phone}` : '',
          citizen?.email ? `Correo electrónico: ${citizen.email}` : '',
          '',
          `Expone: ${this.ask()}`,
          '',
          `Solicita: ${random.pick(FORM_REQUESTS)}`,
        ].filter((line, index, all) => line !== '' || (all[index - 1] ?? '') !== '');
        const message = this.plain('web_form', lines.join('\n'), at);
        return { ...message, subject, attachments: random.chance(0.3) ? this.attachments(1) : [] };
      }
      case 'phone':
        return this.call('inbound', `Llamada de ${citizen?.name ?? 'una persona que no se identifica'}: ${summary}. ${this.pickFilled(CALL_ACTIONS)}`, at, frontDesk);
      case 'visit':
        return this.visit(`${cap(citizen?.name ?? 'Una persona')} acude a la oficina: ${summary}. ${this.pickFilled(VISIT_ACTIONS)}`, at, frontDesk);
      case 'chat':
        return this.plain('chat', `Hola, buenas. ${this.fill(this.case.ask)}`, at);
      case 'internal':
        return this.plain('note', `${this.ask()} Abro parte interno para la brigada.`, at, frontDesk.id);
    }
  }

  private call(direction: 'inbound' | 'outbound', text: string, at: number, clerk: ThreadClerk): Message {
    const { random, citizen } = this.context;
    const phone = citizen?.phone && (direction === 'outbound' || random.chance(0.9)) ? { phoneNumber: citizen.phone } : {};
    return { ...this.plain('phone_call', text, at, clerk.id), call: { direction, ...phone, durationSeconds: random.between(40, 900) } };
  }

  private visit(text: string, at: number, clerk: ThreadClerk): Message {
    const { random } = this.context;
    return { ...this.plain('visit', text, at, clerk.id), visit: { office: random.pick(OFFICES), durationSeconds: random.between(180, 1800) } };
  }
}
