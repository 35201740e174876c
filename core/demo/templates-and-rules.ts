/**
 * The demo council's canned answers (templates, in Spanish and for some in English, with links to
 * its e-office and to the law) and its routing rules: what rules and templates look like in use,
 * for the screens and the rule evaluator to be tried on.
 */
import type { Rule, Template } from '../schemas';
import { COUNCIL_DOMAIN, COUNCIL_NAME, SEDE_URL } from './council';
import { Random, uuidv7 } from './random';

const LEY_39_2015 = { label: 'Ley 39/2015, del Procedimiento Administrativo Común (BOE)', url: 'https://www.boe.es/buscar/act.php?id=BOE-A-2015-10565' };
const CLAVE = { label: 'Cl@ve: identificarse en la administración electrónica', url: 'https://clave.gob.es/' };
const sede = (label: string, path: string) => ({ label, url: `${SEDE_URL}/${path}` });

type TemplatePlan = {
  key: string;
  departmentId?: string;
  title: string;
  body: string;
  links: Template['links'];
  /** What citizens write when they need this answer (Spanish): the suggestions rank by them too. */
  keywords?: string[];
  en?: { title: string; body: string };
  active?: boolean;
};

const SIGNATURE = '\n\nAtentamente,\n{{clerk.name}}\n{{department.name}} · ' + COUNCIL_NAME;

const TEMPLATES: readonly TemplatePlan[] = [
  {
    key: 'acuse-recibo',
    title: 'Acuse de recibo',
    // The due date only when the ticket has one (an intake ticket has none): core/templates' sections.
    body:
      'Estimado/a {{citizen.name}}:\n\nHemos recibido su solicitud, registrada con la referencia {{ticket.reference}}. ' +
      '{{#ticket.dueDate}}Le responderemos a más tardar el {{ticket.dueDate}}{{/ticket.dueDate}}{{^ticket.dueDate}}Le responderemos en el menor plazo posible{{/ticket.dueDate}}; ' +
      'puede consultar su estado en la sede electrónica indicando esa referencia.' +
      SIGNATURE,
    links: [sede('Consultar el estado de mi solicitud', 'mis-expedientes')],
    en: {
      title: 'Acknowledgement of receipt',
      body:
        'Dear {{citizen.name}},\n\nWe have received your request, registered under reference {{ticket.reference}}. ' +
        '{{#ticket.dueDate}}We will answer by {{ticket.dueDate}} at the latest{{/ticket.dueDate}}{{^ticket.dueDate}}We will answer as soon as possible{{/ticket.dueDate}}; ' +
        'you can follow it on the e-office with that reference.\n\nKind regards,\n{{clerk.name}}\n{{department.name}}',
    },
  },
  {
    key: 'requerimiento-subsanacion',
    title: 'Requerimiento de subsanación (10 días)',
    keywords: ['falta documentación', 'documento', 'adjunto', 'subsanar', 'requerimiento'],
    body: 'Estimado/a {{citizen.name}}:\n\nPara continuar con la tramitación de su solicitud {{ticket.reference}} necesitamos que aporte la documentación indicada a continuación en el plazo de diez días hábiles. Si no lo hace, se le tendrá por desistido de su petición (artículo 68 de la Ley 39/2015).\n\n{{documents}}' + SIGNATURE,
    links: [sede('Aportar documentación', 'aportar-documentacion'), LEY_39_2015],
    en: { title: 'Request for missing documents (10 days)', body: 'Dear {{citizen.name}},\n\nTo go on with your request {{ticket.reference}} we need the documents listed below within ten working days; otherwise the request will be considered withdrawn (Spanish Law 39/2015, article 68).\n\n{{documents}}\n\nKind regards,\n{{clerk.name}}' },
  },
  {
    key: 'cita-previa',
    title: 'Cita previa en la OAC',
    keywords: ['cita', 'cita previa', 'atención presencial', 'oficina', 'horario'],
    body: 'Estimado/a {{citizen.name}}:\n\nPara este trámite es necesaria la presencia en la Oficina de Atención Ciudadana. Puede pedir cita previa en la sede electrónica o llamando al 010.' + SIGNATURE,
    links: [sede('Pedir cita previa', 'cita-previa')],
  },
  {
    key: 'cierre-resuelto',
    title: 'Cierre: solicitud resuelta',
    keywords: ['resuelto', 'solucionado', 'gracias', 'arreglado'],
    body: 'Estimado/a {{citizen.name}}:\n\nLe comunicamos que su solicitud {{ticket.reference}} ha quedado resuelta. Si tiene cualquier duda, responda a este correo indicando la referencia.' + SIGNATURE,
    links: [],
    en: { title: 'Closing: request resolved', body: 'Dear {{citizen.name}},\n\nYour request {{ticket.reference}} has been resolved. If you have any question, reply to this message quoting the reference.\n\nKind regards,\n{{clerk.name}}' },
  },
  {
    key: 'obra-menor-requisitos',
    departmentId: 'urbanismo',
    title: 'Licencia de obra menor: documentación',
    keywords: ['licencia', 'obra', 'reforma', 'baño', 'cocina', 'declaración responsable', 'permiso'],
    body: 'Estimado/a {{citizen.name}}:\n\nLas obras menores se tramitan mediante declaración responsable acompañada de memoria descriptiva, presupuesto detallado por partidas, justificante del pago de la tasa y del ICIO, y fotografías del estado actual.' + SIGNATURE,
    links: [sede('Declaración responsable de obra menor', 'urbanismo/obra-menor'), sede('Ordenanza fiscal del ICIO', 'normativa/ordenanzas-fiscales')],
  },
  {
    key: 'obra-menor-concedida',
    departmentId: 'urbanismo',
    title: 'Licencia de obra menor concedida',
    keywords: ['licencia concedida', 'obra', 'resolución', 'estado de mi licencia'],
    body: 'Estimado/a {{citizen.name}}:\n\nLe notificamos que se ha resuelto favorablemente su solicitud {{ticket.reference}}. Dispone de seis meses para iniciar las obras; recuerde tener el documento en la obra a disposición de la inspección.' + SIGNATURE,
    links: [sede('Descargar la resolución', 'mis-expedientes')],
  },
  {
    key: 'bonificacion-ibi',
    departmentId: 'hacienda',
    title: 'Bonificación del IBI para familias numerosas',
    keywords: ['ibi', 'bonificación', 'familia numerosa', 'contribución', 'impuesto'],
    body: 'Estimado/a {{citizen.name}}:\n\nLa bonificación del IBI para familias numerosas se solicita antes del 31 de marzo y se aplica en el recibo de ese mismo año. Debe aportar el título de familia numerosa vigente y estar empadronado en el inmueble.' + SIGNATURE,
    links: [sede('Solicitud de bonificación del IBI', 'tributos/ibi-bonificaciones'), sede('Ordenanza fiscal del IBI', 'normativa/ordenanzas-fiscales')],
  },
  {
    key: 'domiciliacion',
    departmentId: 'hacienda',
    title: 'Domiciliación y fraccionamiento de recibos',
    keywords: ['domiciliar', 'domiciliación', 'recibo', 'banco', 'cuenta', 'pago'],
    body: 'Estimado/a {{citizen.name}}:\n\nPuede domiciliar sus recibos y acogerse al sistema especial de pago en cuatro plazos sin intereses desde la sede electrónica, o presentando el impreso en el Registro General.' + SIGNATURE,
    links: [sede('Domiciliar recibos', 'tributos/domiciliacion')],
  },
  {
    key: 'volante-padron',
    departmentId: 'padron',
    title: 'Volante y certificado de empadronamiento',
    keywords: ['volante', 'certificado de empadronamiento', 'padrón', 'empadronamiento'],
    body: 'Estimado/a {{citizen.name}}:\n\nEl volante de empadronamiento se obtiene al momento en la sede electrónica con Cl@ve o certificado digital. El certificado con firma se expide en la OAC con cita previa.' + SIGNATURE,
    links: [sede('Volante de empadronamiento', 'padron/volante'), CLAVE],
  },
  {
    key: 'alta-padron',
    departmentId: 'padron',
    title: 'Alta en el padrón: documentación',
    keywords: ['empadronarme', 'alta en el padrón', 'cambio de domicilio', 'mudanza', 'nuevo domicilio'],
    body: 'Estimado/a {{citizen.name}}:\n\nPara darse de alta en el padrón necesita el documento de identidad de cada persona, el contrato de alquiler o la escritura de la vivienda y, para menores, el libro de familia.' + SIGNATURE,
    links: [sede('Alta en el padrón', 'padron/alta')],
  },
  {
    key: 'ayuda-domicilio',
    departmentId: 'servicios-sociales',
    title: 'Servicio de ayuda a domicilio',
    keywords: ['ayuda a domicilio', 'dependencia', 'mayor', 'cuidado', 'asistencia'],
    body: 'Estimado/a {{citizen.name}}:\n\nHemos recibido su solicitud del servicio de ayuda a domicilio. Una trabajadora social le llamará para concertar una visita de valoración en su domicilio.' + SIGNATURE,
    links: [sede('Servicios sociales: prestaciones', 'servicios-sociales')],
  },
  {
    key: 'recogida-enseres',
    departmentId: 'obras-servicios',
    title: 'Recogida de muebles y enseres',
    keywords: ['recogida', 'muebles', 'colchón', 'enseres', 'trastos', 'voluminosos'],
    body: 'Estimado/a {{citizen.name}}:\n\nLa recogida de muebles y enseres es gratuita. Deje los objetos junto a su portal la noche indicada, a partir de las 21:00, y nunca junto a los contenedores.' + SIGNATURE,
    links: [sede('Solicitar recogida de enseres', 'servicios/enseres')],
  },
  {
    key: 'alumbrado',
    departmentId: 'obras-servicios',
    title: 'Avería de alumbrado público',
    keywords: ['farola', 'alumbrado', 'luz', 'fundida', 'apagada', 'oscuras'],
    body: 'Estimado/a {{citizen.name}}:\n\nGracias por avisarnos. Hemos trasladado la avería a la empresa de mantenimiento del alumbrado, que suele repararlas en un plazo de 48 a 72 horas.' + SIGNATURE,
    links: [sede('Avisos e incidencias en la vía pública', 'avisos')],
  },
  {
    key: 'ruido',
    departmentId: 'medio-ambiente',
    title: 'Molestias por ruido',
    keywords: ['ruido', 'molestias', 'música', 'terraza', 'madrugada', 'noche', 'dormir', 'vecinos', 'bar'],
    body: 'Estimado/a {{citizen.name}}:\n\nHemos abierto expediente por las molestias de ruido que nos describe. Si se producen fuera del horario de oficina, puede llamar a la Policía Local (092) para que levante acta en el momento.' + SIGNATURE,
    links: [sede('Ordenanza de protección contra la contaminación acústica', 'normativa/ruido')],
  },
  {
    key: 'recurso-multa',
    departmentId: 'policia-local',
    title: 'Alegaciones y recurso contra una sanción de tráfico',
    keywords: ['multa', 'sanción', 'denuncia', 'alegaciones', 'recurso', 'tráfico'],
    body: 'Estimado/a {{citizen.name}}:\n\nPuede presentar alegaciones en los veinte días naturales siguientes a la notificación, o pagar con una reducción del 50 % en ese mismo plazo.' + SIGNATURE,
    links: [sede('Pagar o recurrir una multa', 'multas'), { label: 'Ley sobre Tráfico (texto refundido, BOE)', url: 'https://www.boe.es/buscar/act.php?id=BOE-A-2015-11722' }],
  },
  {
    key: 'vado',
    departmentId: 'movilidad',
    title: 'Licencia de vado',
    keywords: ['vado', 'cochera', 'garaje', 'placa', 'entrada de vehículos'],
    body: 'Estimado/a {{citizen.name}}:\n\nPara la licencia de vado debe aportar el plano de situación, fotografía de la entrada y la licencia de primera ocupación o de actividad del garaje. La placa se recoge en la Policía Local una vez pagada la tasa.' + SIGNATURE,
    links: [sede('Solicitud de vado permanente', 'movilidad/vados')],
  },
  {
    key: 'tarjeta-pmr',
    departmentId: 'movilidad',
    title: 'Tarjeta de estacionamiento para personas con movilidad reducida',
    keywords: ['tarjeta de aparcamiento', 'movilidad reducida', 'discapacidad', 'pmr'],
    body: 'Estimado/a {{citizen.name}}:\n\nLa tarjeta de estacionamiento requiere el certificado de discapacidad con dictamen de movilidad reducida, una fotografía y el DNI. La tarjeta tiene una validez de cinco años.' + SIGNATURE,
    links: [sede('Tarjeta de estacionamiento PMR', 'movilidad/tarjeta-pmr')],
  },
  {
    key: 'talleres-cultura',
    departmentId: 'cultura',
    title: 'Inscripción en talleres culturales',
    keywords: ['taller', 'talleres', 'inscripción', 'curso', 'casa de cultura'],
    body: 'Estimado/a {{citizen.name}}:\n\nLas inscripciones en los talleres de la Casa de la Cultura se abren en septiembre. Las plazas se adjudican por sorteo cuando hay más solicitudes que plazas.' + SIGNATURE,
    links: [sede('Talleres culturales', 'cultura/talleres')],
  },
  {
    key: 'abono-deportivo',
    departmentId: 'deportes',
    title: 'Abono deportivo',
    keywords: ['abono', 'polideportivo', 'piscina', 'gimnasio', 'deporte'],
    body: 'Estimado/a {{citizen.name}}:\n\nEl abono deportivo da acceso a la piscina cubierta, el gimnasio y las actividades dirigidas. Los empadronados tienen un 30 % de descuento.' + SIGNATURE,
    links: [sede('Abono y reservas de instalaciones', 'deportes')],
  },
  {
    key: 'escuela-infantil',
    departmentId: 'educacion',
    title: 'Admisión en escuelas infantiles',
    keywords: ['escuela infantil', 'guardería', 'plaza', 'matrícula', 'bebé'],
    body: 'Estimado/a {{citizen.name}}:\n\nEl plazo de solicitud de plaza en las escuelas infantiles municipales es del 15 de abril al 5 de mayo. Las listas provisionales se publican en junio.' + SIGNATURE,
    links: [sede('Escuelas infantiles municipales', 'educacion/escuelas-infantiles')],
  },
  {
    key: 'terraza',
    departmentId: 'comercio',
    title: 'Autorización de terraza',
    keywords: ['licencia de terraza', 'autorización de terraza', 'mesas', 'veladores', 'hostelería'],
    body: 'Estimado/a {{citizen.name}}:\n\nLa autorización de terraza es anual y debe renovarse antes del 1 de marzo, con el plano de la ocupación y el seguro de responsabilidad civil en vigor.' + SIGNATURE,
    links: [sede('Terrazas de hostelería', 'comercio/terrazas')],
  },
  {
    key: 'carne-joven',
    departmentId: 'juventud',
    title: 'Carné Joven',
    keywords: ['carné joven', 'carnet joven', 'descuentos', 'jóvenes'],
    body: 'Estimado/a {{citizen.name}}:\n\nEl Carné Joven se tramita en el Espacio Joven para personas de 14 a 30 años, con el DNI y una fotografía.' + SIGNATURE,
    links: [sede('Espacio Joven', 'juventud')],
  },
  {
    key: 'punto-igualdad',
    departmentId: 'igualdad',
    title: 'Punto Municipal de Igualdad: asesoría',
    keywords: ['igualdad', 'violencia de género', 'orientación', 'asesoramiento'],
    body: 'Estimado/a {{citizen.name}}:\n\nEl Punto Municipal de Igualdad ofrece asesoría jurídica y psicológica gratuita y confidencial con cita previa. En caso de emergencia, llame al 112; el 016 atiende las 24 horas y no deja rastro en la factura.' + SIGNATURE,
    links: [sede('Punto Municipal de Igualdad', 'igualdad')],
  },
  {
    key: 'certificado-digital',
    departmentId: 'atencion-ciudadana',
    title: 'Certificado digital y Cl@ve',
    keywords: ['certificado digital', 'firma electrónica', 'cl@ve', 'clave', 'sede electrónica'],
    body: 'Estimado/a {{citizen.name}}:\n\nEn la OAC somos oficina de registro de Cl@ve y de acreditación del certificado de la FNMT. Acuda con su DNI y el código de solicitud.' + SIGNATURE,
    links: [CLAVE, sede('Cita previa', 'cita-previa')],
  },
  {
    key: 'horario-verano',
    title: 'Horario de verano de las oficinas (retirada)',
    keywords: ['horario', 'verano', 'agosto', 'abierto', 'cerrado'],
    body: 'Estimado/a {{citizen.name}}:\n\nDel 1 de julio al 31 de agosto las oficinas municipales atienden de 8:30 a 13:30.' + SIGNATURE,
    links: [],
    active: false,
  },
];

export function buildTemplates(seed: string, createdAt: number): Template[] {
  const templates: Template[] = [];
  TEMPLATES.forEach((plan, index) => {
    const random = new Random(seed, 'templates', index);
    const at = createdAt + index * 3_600_000;
    const common = { key: plan.key, ...(plan.departmentId ? { departmentId: plan.departmentId } : {}), links: plan.links, active: plan.active ?? true, createdAt: at, updatedAt: at };
    templates.push({ id: uuidv7(random, at), language: 'es', title: plan.title, body: plan.body, ...(plan.keywords && { keywords: plan.keywords }), ...common });
    if (plan.en) templates.push({ id: uuidv7(random, at + 1), language: 'en', title: plan.en.title, body: plan.en.body, ...common });
  });
  return templates;
}

export function buildRules(seed: string, createdAt: number): Rule[] {
  const plans: Omit<Rule, 'id' | 'createdAt' | 'updatedAt'>[] = [
    {
      name: 'Acuse de recibo del correo entrante',
      order: 10,
      enabled: true,
      match: 'all',
      conditions: [{ type: 'channel', channels: ['email', 'web_form'] }],
      actions: [{ type: 'auto_reply', templateKey: 'acuse-recibo' }],
    },
    {
      name: 'Correo de licencias a Urbanismo',
      order: 20,
      enabled: true,
      match: 'any',
      conditions: [
        { type: 'mailbox', mailboxes: [`licencias@${COUNCIL_DOMAIN}`] },
        { type: 'words', field: 'subject_or_body', words: ['licencia de obra', 'obra menor', 'cédula urbanística'], match: 'any' },
      ],
      // Urbanismo assigns by skill: the tag is what makes its licencias clerks the candidates.
      actions: [{ type: 'set_department', departmentId: 'urbanismo' }, { type: 'add_tags', tags: ['licencias'] }, { type: 'auto_assign' }],
    },
    {
      name: 'IBI, plusvalía y recibos a Hacienda',
      order: 30,
      enabled: true,
      match: 'all',
      conditions: [{ type: 'words', field: 'subject_or_body', words: ['ibi', 'plusvalía', 'recibo', 'impuesto de vehículos'], match: 'any' }],
      actions: [{ type: 'set_department', departmentId: 'hacienda' }, { type: 'set_category', category: 'tributos' }],
    },
    {
      name: 'Empadronamiento a Padrón',
      order: 40,
      enabled: true,
      match: 'all',
      conditions: [{ type: 'words', field: 'subject', words: ['padrón', 'empadronamiento', 'volante'], match: 'any' }],
      actions: [{ type: 'set_department', departmentId: 'padron' }, { type: 'auto_assign' }],
    },
    {
      name: 'Ruido fuera de horario: Policía Local',
      order: 50,
      enabled: true,
      match: 'all',
      conditions: [
        { type: 'words', field: 'subject_or_body', words: ['ruido', 'música', 'molestias'], match: 'any' },
        { type: 'time', window: 'outside_working_hours' },
      ],
      actions: [{ type: 'set_department', departmentId: 'policia-local' }, { type: 'set_priority', priority: 'high' }, { type: 'stop' }],
    },
    {
      name: 'Etiquetar lo que entra fuera de horario',
      order: 60,
      enabled: true,
      match: 'any',
      conditions: [{ type: 'time', window: 'outside_working_hours' }, { type: 'time', window: 'non_working_day' }],
      actions: [{ type: 'add_tags', tags: ['fuera-de-horario'] }],
    },
    {
      name: 'Urgencias sociales a la supervisora',
      order: 70,
      enabled: true,
      match: 'all',
      conditions: [
        { type: 'words', field: 'subject_or_body', words: ['desahucio', 'sin hogar', 'emergencia'], match: 'any' },
        { type: 'channel', channels: ['internal'], negate: true },
      ],
      actions: [{ type: 'set_department', departmentId: 'servicios-sociales' }, { type: 'set_priority', priority: 'urgent' }],
    },
    {
      name: 'Avisos de la sede de otras administraciones',
      order: 80,
      enabled: false,
      match: 'all',
      conditions: [{ type: 'sender_domain', domains: ['gob.example', 'comunidad.madrid.example'] }],
      actions: [{ type: 'add_tags', tags: ['otra-administración'] }, { type: 'set_department', departmentId: 'atencion-ciudadana' }],
    },
  ];
  return plans.map((plan, index) => {
    const random = new Random(seed, 'rules', index);
    const at = createdAt + index * 600_000;
    return { id: uuidv7(random, at), ...plan, createdAt: at, updatedAt: at };
  });
}
