/**
 * What the citizens of the demo council ask for, in their words and the clerks' words. Each topic
 * belongs to one department and has a few cases, each a coherent story: the ticket's subject, the
 * citizen's request, a clerk's summary of it for calls and visits, and the answer that settles it.
 * Sentences carry placeholders in braces that threads.ts fills in per ticket (streets, names,
 * dates, amounts, plates), so no two bodies read quite the same and a search for a surname or a
 * street finds a handful of cases, not thousands.
 *
 * Placeholders: {calle} a street, {direccion} the citizen's address, {numero}, {barrio}, {fecha} a
 * recent past date, {dia} a working day ahead, {hora}, {importe}, {matricula}, {expediente}, {ref}
 * the ticket's reference, {anio}, {vecino} a neighbour's surname, {negocio} a business, {nombre}
 * the citizen's given name, {hijo} a child's name, {arbol} a tree species.
 */
import type { Channel, TicketPriority } from '../schemas';

export type TopicCase = {
  /** Ways the citizen or the clerk titles it. */
  subjects: string[];
  /** The citizen, first person. */
  ask: string;
  /** A clerk's summary for a call or visit, third person, without the subject: 'solicita …'. */
  summary: string;
  /** Answers that settle it. */
  answers: string[];
};

export type Topic = {
  /** Also the ticket's `category`. */
  key: string;
  departmentId: string;
  /** How often it comes up, relative to the other topics. */
  weight: number;
  /** Channels it arrives by more or less often than usual (multipliers of the usual mix). */
  channels?: Partial<Record<Channel, number>>;
  /** Comes in at night and at weekends too (noise, breakdowns). */
  anyHour?: boolean;
  priority?: TicketPriority;
  tags?: string[];
  /** The name of the web form on the e-office. */
  form: string;
  cases: TopicCase[];
  /** The citizen, first person: more context, for any case. */
  details: string[];
  /** What the council needs from the citizen. */
  documents: string[];
  /** Internal notes between clerks. */
  notes: string[];
};

/** A case: subjects (one or several, '|'-separated), the request, the summary, the answers. */
function c(subjects: string, ask: string, summary: string, ...answers: string[]): TopicCase {
  return { subjects: subjects.split('|'), ask, summary, answers };
}

export const TOPICS: readonly Topic[] = [
  // ── Urbanismo ─────────────────────────────────────────────────────────────────────────────
  {
    key: 'licencia-obra-menor', departmentId: 'urbanismo', weight: 6, form: 'Declaración responsable de obra menor',
    cases: [
      c('Licencia de obra menor para reforma de cocina|Solicitud de licencia de obra menor en {calle}', 'Quería solicitar la licencia de obra menor para reformar la cocina de mi vivienda en {direccion}.', 'solicita licencia de obra menor para reformar la cocina de su vivienda en {direccion}',
        'Le comunicamos que la declaración responsable de obra menor ha sido admitida; puede iniciar las obras, que deberán terminar en un plazo de seis meses.',
        'La licencia de obra menor ha sido concedida mediante decreto del expediente {expediente}. Para el contenedor en la vía pública debe pedir aparte la ocupación.'),
      c('Obra menor: cambio de bañera por plato de ducha|Reforma de baño, ¿necesito licencia?', 'Vamos a cambiar la bañera por un plato de ducha y alicatar el baño, y no sé si basta con la declaración responsable o hace falta licencia.', 'pregunta si para reformar el baño basta con la declaración responsable',
        'Revisada la documentación, la obra descrita es menor y se tramita por declaración responsable. Se ha liquidado el ICIO por {importe}.'),
      c('Consulta sobre licencia para cambiar ventanas', 'Quiero sustituir las ventanas de aluminio de mi piso por unas de PVC del mismo color, ¿qué trámite tengo que hacer?', 'consulta si el cambio de ventanas exige licencia o declaración responsable',
        'El cambio de carpintería sin modificar la fachada se tramita por declaración responsable; le adjuntamos el impreso y la autoliquidación de la tasa.'),
      c('Licencia de obra menor: solado y carpintería interior', 'Solicito licencia para sustituir el solado y la carpintería interior de la vivienda de {direccion}.', 'solicita licencia para cambiar el suelo y las puertas de su vivienda',
        'Le comunicamos que la declaración responsable de obra menor ha sido admitida; puede iniciar las obras, que deberán terminar en un plazo de seis meses.'),
    ],
    details: ['El presupuesto del albañil es de {importe} y calcula unas tres semanas de obra.', 'La comunidad de propietarios ya ha dado su conformidad por escrito.', 'No se toca la fachada ni ningún elemento estructural.', 'Necesitaríamos poner un contenedor de escombros en la calzada durante unos días.'],
    documents: ['presupuesto detallado por partidas', 'fotografías del estado actual', 'justificante del pago de la tasa y del ICIO'],
    notes: ['Falta el presupuesto desglosado; pido que lo aporte antes de informar.', 'Informe técnico favorable de la arquitecta municipal. Pasa a firma.', 'Consultado el catastro: la vivienda no está en el catálogo de edificios protegidos.'],
  },
  {
    key: 'obras-sin-licencia', departmentId: 'urbanismo', weight: 2, form: 'Denuncia urbanística', tags: ['disciplina'],
    cases: [
      c('Obras sin licencia en {calle}|Denuncia: construcción en el patio del vecino', 'Quiero denunciar que el vecino del {numero} de {calle} está levantando un cuarto en el patio sin ningún cartel de licencia.', 'denuncia que un vecino de {calle} construye en el patio sin licencia',
        'Los servicios de inspección han visitado la obra y se ha incoado expediente de restablecimiento de la legalidad urbanística {expediente}.',
        'Comprobado que la obra cuenta con licencia concedida el {fecha}; no procede actuación.'),
      c('Cerramiento de terraza sin permiso', 'Llevan dos semanas cerrando la terraza del ático de mi edificio y creo que no tienen licencia.', 'comunica que un vecino está cerrando la terraza del ático sin permiso',
        'La inspección ha comprobado que el cerramiento no tiene licencia; se ha ordenado la paralización de la obra y se ha dado audiencia al propietario.'),
      c('Obras en fin de semana en el solar de {calle}', 'En el solar de {calle} están haciendo obras los fines de semana, con mucho ruido y polvo.', 'se queja de obras en fin de semana en un solar de {calle}',
        'La obra tiene licencia, pero se ha recordado al promotor que no puede trabajar en sábados por la tarde, domingos ni festivos.'),
    ],
    details: ['Trabajan incluso el domingo por la mañana desde las ocho.', 'Han tapado la ventana del patio de luces, que es común.', 'Ya hablé con ellos y me dijeron que no era asunto mío.'],
    documents: ['fotografías de las obras', 'dirección exacta y, si la conoce, el nombre del promotor'],
    notes: ['Visita de inspección programada para el {dia}.', 'Acta de inspección: obra sin licencia, se ordena la paralización.'],
  },
  {
    key: 'cedula-urbanistica', departmentId: 'urbanismo', weight: 1.5, form: 'Solicitud de cédula urbanística',
    cases: [
      c('Cédula urbanística de parcela en {barrio}|Información urbanística para compraventa', 'Necesito la cédula urbanística de la parcela de {calle} {numero} porque vamos a venderla.', 'solicita la cédula urbanística de una parcela que va a vender',
        'Le adjuntamos la cédula urbanística solicitada: la parcela está calificada como residencial unifamiliar, con una edificabilidad de 0,6 m²/m².'),
      c('Consulta sobre edificabilidad de un solar', 'Quisiera saber qué se puede construir en un solar que he heredado en {barrio}.', 'pregunta por la edificabilidad de un solar heredado en {barrio}',
        'El solar es urbano consolidado: admite una vivienda unifamiliar de dos plantas con una ocupación máxima del 60 %. Le enviamos la ficha de la ordenanza.'),
      c('Calificación urbanística de una nave', 'Solicito información sobre la calificación urbanística de una nave del polígono La Dehesa.', 'pide la calificación urbanística de una nave del polígono',
        'Se ha emitido el informe de compatibilidad urbanística: la nave admite uso industrial y de almacén. Lo tiene disponible en la sede electrónica.'),
    ],
    details: ['La referencia catastral la tengo en el recibo del IBI.', 'El notario nos la pide para la escritura.'],
    documents: ['referencia catastral de la parcela', 'plano de situación'],
    notes: ['Pedida la ficha catastral; la superficie no coincide con la escritura.'],
  },
  // ── Hacienda y Tributos ──────────────────────────────────────────────────────────────────
  {
    key: 'bonificacion-ibi', departmentId: 'hacienda', weight: 4, form: 'Solicitud de bonificación del IBI',
    cases: [
      c('Bonificación del IBI por familia numerosa|Solicitud de bonificación IBI {anio}', 'Somos familia numerosa de categoría general y quiero solicitar la bonificación del IBI de nuestra vivienda en {direccion}.', 'pregunta por la bonificación del IBI para familias numerosas',
        'Se le ha concedido la bonificación del 50 % en la cuota del IBI a partir del ejercicio {anio}.',
        'La solicitud se presentó fuera de plazo (antes del 31 de marzo), por lo que la bonificación se aplicará el próximo año.'),
      c('No me han aplicado la bonificación del IBI', 'En el recibo del IBI de este año no aparece la bonificación de familia numerosa que tenía concedida.', 'reclama que no se le ha aplicado la bonificación del IBI',
        'Revisado su caso, se ha anulado el recibo y emitido uno nuevo con la bonificación aplicada; la diferencia de {importe} se le devolverá en la cuenta domiciliada.'),
      c('Bonificación IBI por placas solares', 'Hemos instalado placas solares para autoconsumo y quería saber si tengo derecho a la bonificación del IBI.', 'consulta la bonificación del IBI por instalación de placas solares',
        'Se le ha concedido la bonificación del 30 % del IBI durante tres años por la instalación de autoconsumo.'),
    ],
    details: ['El título de familia numerosa se renovó el {fecha}.', 'El recibo está domiciliado y ya me lo han cobrado por {importe}.', 'La instalación tiene una potencia de 4,5 kW y el certificado del instalador.'],
    documents: ['título de familia numerosa en vigor', 'certificado de la instalación fotovoltaica', 'referencia catastral del inmueble'],
    notes: ['El título venció y no consta la renovación; pido copia.', 'Comprobado en el padrón: toda la familia empadronada en el inmueble.'],
  },
  {
    key: 'recibo-ibi', departmentId: 'hacienda', weight: 3, form: 'Consulta tributaria',
    cases: [
      c('Duplicado del recibo del IBI', 'Necesito un duplicado del recibo del IBI de {anio} de mi vivienda de {direccion}.', 'pide un duplicado del recibo del IBI',
        'Le adjuntamos el duplicado del recibo; puede pagarlo en cualquier entidad colaboradora o en la sede electrónica.'),
      c('Domiciliación de recibos municipales', 'Quiero domiciliar todos mis recibos municipales en una cuenta nueva.', 'solicita domiciliar sus recibos en otra cuenta',
        'Se ha registrado la domiciliación; se aplicará a partir del próximo periodo de cobro.'),
      c('Cambio de titular del recibo del IBI', 'Compré el piso de {direccion} y el recibo del IBI sigue llegando a nombre del anterior propietario.', 'comunica el cambio de titularidad de un piso que ha comprado',
        'Se ha comunicado el cambio de titular al Catastro; el próximo recibo llegará a su nombre.'),
      c('Fraccionamiento del IBI|Pago del IBI en plazos', 'Quisiera pagar el IBI en plazos, porque este año me viene muy justo.', 'pide fraccionar el pago del IBI',
        'Se ha concedido el fraccionamiento en cuatro plazos sin intereses, con cargo en su cuenta los días 5 de junio, julio, septiembre y octubre.'),
    ],
    details: ['El IBAN de la cuenta nueva lo adjunto en el formulario.', 'La escritura de compraventa se firmó el {fecha}.', 'El importe del recibo es de {importe}.'],
    documents: ['escritura de compraventa', 'certificado de titularidad de la cuenta bancaria'],
    notes: ['La alteración catastral tarda unos meses; el recibo de este año ya está emitido.'],
  },
  {
    key: 'plusvalia', departmentId: 'hacienda', weight: 2, form: 'Autoliquidación de plusvalía',
    cases: [
      c('Plusvalía por herencia', 'Hemos heredado la vivienda de nuestra madre en {direccion} y queremos saber cómo se liquida la plusvalía.', 'consulta cómo liquidar la plusvalía de una vivienda heredada',
        'Le enviamos la liquidación del impuesto; dispone de seis meses desde el fallecimiento para presentarla.'),
      c('Plusvalía: venta con pérdidas|Liquidación de plusvalía improcedente', 'He vendido un piso por menos de lo que lo compré y me ha llegado una liquidación de plusvalía de {importe}.', 'reclama una liquidación de plusvalía tras vender con pérdidas',
        'Acreditada la inexistencia de incremento de valor, se anula la liquidación y se le devolverán {importe}.'),
      c('Cálculo de la plusvalía de un garaje', 'Necesito el cálculo de la plusvalía por la venta de un garaje en {calle}.', 'pide el cálculo de la plusvalía de la venta de un garaje',
        'Aplicado el método más favorable, la cuota del impuesto asciende a {importe}; le adjuntamos la autoliquidación.'),
    ],
    details: ['La escritura de aceptación de herencia es del {fecha}.', 'Tengo las dos escrituras, la de compra y la de venta.'],
    documents: ['escrituras de adquisición y de transmisión', 'certificado de defunción y testamento'],
    notes: ['Aplicado el método de estimación objetiva; sale más favorable al contribuyente.'],
  },
  {
    key: 'impuesto-vehiculos', departmentId: 'hacienda', weight: 1.5, form: 'Exención del impuesto de vehículos',
    cases: [
      c('Exención del impuesto de vehículos por discapacidad', 'Tengo reconocida una discapacidad del 45 % y quiero pedir la exención del impuesto de circulación del coche {matricula}.', 'solicita la exención del impuesto de vehículos por discapacidad',
        'Se ha concedido la exención del impuesto del vehículo {matricula} a partir del próximo ejercicio.'),
      c('Recibo de vehículo dado de baja|IVTM de un coche que ya no es mío', 'Me ha llegado el recibo del impuesto del vehículo {matricula}, que di de baja en Tráfico el año pasado.', 'reclama el recibo del impuesto de un vehículo dado de baja',
        'Se anula el recibo por estar el vehículo dado de baja antes del devengo; se le devolverán {importe}.'),
    ],
    details: ['La baja en la DGT se tramitó el {fecha}.', 'El coche lo conduzco yo y es para uso exclusivo.'],
    documents: ['certificado de discapacidad', 'justificante de baja o de transferencia en la DGT', 'permiso de circulación'],
    notes: ['Consultado el registro de vehículos de la DGT: la baja es de después del 1 de enero.'],
  },
  {
    key: 'tasa-basuras', departmentId: 'hacienda', weight: 1, form: 'Consulta tributaria',
    cases: [
      c('Tasa de basuras de local cerrado', 'Me cobran la tasa de basuras de un local de {calle} que lleva cerrado desde hace dos años.', 'reclama la tasa de basuras de un local sin actividad',
        'Acreditado el cese de actividad, se le aplica la tarifa de local sin actividad a partir de este ejercicio.'),
      c('Reclamación de la tasa de residuos', 'La tasa de residuos de este año ha subido mucho y quiero saber por qué.', 'pregunta por la subida de la tasa de residuos',
        'La nueva tasa de residuos se calcula según la Ley 7/2022, que obliga a cubrir el coste del servicio; puede consultar la ordenanza fiscal en la sede electrónica.'),
    ],
    details: ['El local no tiene actividad ni suministro de agua.'],
    documents: ['certificado de baja en el IAE', 'factura de baja del suministro de agua'],
    notes: ['Pedido informe a la inspección de tributos.'],
  },
  // ── Padrón ──────────────────────────────────────────────────────────────────────────────
  {
    key: 'empadronamiento', departmentId: 'padron', weight: 6, form: 'Alta en el padrón municipal',
    cases: [
      c('Alta en el padrón|Solicitud de empadronamiento', 'Me he mudado a {direccion} y quiero empadronarme con mi familia.', 'solicita el alta en el padrón en {direccion}',
        'Se ha tramitado el alta en el padrón con efectos del {fecha}. Puede descargar el volante en la sede electrónica.'),
      c('Empadronamiento en vivienda de alquiler', 'Vivo de alquiler en {direccion} y el propietario no quiere firmar la autorización para empadronarme.', 'pregunta cómo empadronarse sin autorización del propietario',
        'El empadronamiento se hace por la vivienda en la que realmente reside; con el contrato de alquiler es suficiente y no hace falta la firma del propietario.'),
      c('Empadronar a mi hijo recién nacido', 'Quiero empadronar a mi hijo {hijo}, que nació el {fecha}.', 'quiere empadronar a su hijo recién nacido',
        'Le confirmamos el empadronamiento de {hijo} en su domicilio.'),
      c('Alta en el padrón procedente de otro municipio', 'Solicito el alta en el padrón de Villanueva del Prado; vengo de Getafe.', 'solicita el alta en el padrón procedente de otro municipio',
        'Se ha tramitado su alta por cambio de residencia; el Ayuntamiento de origen le dará de baja de oficio.'),
    ],
    details: ['Tenemos contrato de alquiler desde el {fecha}.', 'Necesito estar empadronado para pedir plaza en el colegio.', 'Somos cuatro personas, dos adultos y dos menores.'],
    documents: ['contrato de alquiler o escritura', 'DNI o NIE de cada persona', 'libro de familia'],
    notes: ['Comprobación de residencia pedida a la Policía Local.', 'El contrato está a nombre de otra persona; pido autorización del titular.'],
  },
  {
    key: 'volante-empadronamiento', departmentId: 'padron', weight: 5, form: 'Volante de empadronamiento',
    cases: [
      c('Volante de empadronamiento', 'Necesito un volante de empadronamiento para presentarlo en el centro de salud.', 'pide un volante de empadronamiento',
        'Le adjuntamos el volante de empadronamiento solicitado.'),
      c('Certificado de empadronamiento histórico', 'Me piden un certificado de empadronamiento histórico desde {anio} para la nacionalidad.', 'solicita un certificado histórico de empadronamiento',
        'El certificado histórico está firmado y se lo enviamos por correo postal a {direccion}.'),
      c('Certificado de convivencia', 'Solicito un certificado de convivencia de las personas empadronadas en {direccion}.', 'pide un certificado de convivencia',
        'Puede recoger el certificado de convivencia en la OAC con su DNI.'),
    ],
    details: ['No tengo certificado digital ni Cl@ve.', 'Lo necesito para la semana que viene.'],
    documents: ['copia del DNI o NIE'],
    notes: ['Emitido el certificado; pendiente de firma de la secretaria.'],
  },
  {
    key: 'cambio-domicilio', departmentId: 'padron', weight: 2.5, form: 'Cambio de domicilio en el padrón',
    cases: [
      c('Cambio de domicilio en el padrón', 'Me he mudado dentro del municipio, de {calle} a {direccion}, y quiero actualizar el padrón.', 'comunica un cambio de domicilio dentro del municipio',
        'Se ha registrado el cambio de domicilio; se comunicará al INE y al censo electoral.'),
      c('Personas empadronadas en mi casa que no viven aquí', 'En mi vivienda siguen empadronados los anteriores inquilinos, que se fueron hace un año.', 'pide la baja de personas que ya no viven en su casa',
        'Hemos iniciado el expediente de baja de oficio de las personas que no residen en la vivienda.'),
      c('Baja en el padrón por traslado', 'Me traslado a vivir a Valencia y quiero saber si tengo que darme de baja.', 'pregunta si debe darse de baja al mudarse a otra ciudad',
        'No tiene que hacer nada aquí: al empadronarse en Valencia, ese Ayuntamiento comunicará su baja en nuestro padrón.'),
    ],
    details: ['El cambio afecta también a mi pareja.'],
    documents: ['contrato o escritura de la nueva vivienda'],
    notes: ['Expediente de baja de oficio: publicar en el BOE si no se localiza a los interesados.'],
  },
  // ── Servicios Sociales ──────────────────────────────────────────────────────────────────
  {
    key: 'ayuda-domicilio', departmentId: 'servicios-sociales', weight: 3, form: 'Solicitud del servicio de ayuda a domicilio', channels: { phone: 1.8, visit: 1.5, email: 0.6 }, priority: 'high',
    cases: [
      c('Ayuda a domicilio para mi madre|Solicitud del servicio de ayuda a domicilio', 'Mi madre tiene 87 años, vive sola en {direccion} y ya no puede ducharse sin ayuda; quería solicitar la ayuda a domicilio.', 'solicita ayuda a domicilio para su madre, de 87 años, que vive sola',
        'Tras la visita de valoración, se le ha concedido el servicio de ayuda a domicilio de lunes a viernes, una hora diaria.'),
      c('Ampliación de horas de ayuda a domicilio', 'Tenemos concedidas cuatro horas semanales de ayuda a domicilio y necesitaríamos ampliarlas.', 'pide ampliar las horas del servicio de ayuda a domicilio',
        'Se amplía el servicio a seis horas semanales a partir del {dia}.'),
      c('Ayuda a domicilio tras el alta hospitalaria', 'Mi padre ha salido del hospital y necesita ayuda para las tareas de casa.', 'pide ayuda a domicilio para su padre tras un ingreso hospitalario',
        'Se ha concedido el servicio de ayuda a domicilio con carácter urgente durante tres meses, mientras se revisa su grado de dependencia.'),
    ],
    details: ['Tiene reconocido el grado II de dependencia.', 'Yo vivo en otra ciudad y solo puedo venir los fines de semana.', 'La auxiliar que venía se ha jubilado y no nos han mandado a nadie.'],
    documents: ['informe médico actualizado', 'resolución del grado de dependencia', 'declaración de ingresos de la unidad familiar'],
    notes: ['Visita domiciliaria el {dia} con la trabajadora social.', 'Caso prioritario: persona sola sin apoyo familiar cercano.'],
  },
  {
    key: 'teleasistencia', departmentId: 'servicios-sociales', weight: 1.5, form: 'Solicitud de teleasistencia', channels: { phone: 2 },
    cases: [
      c('Alta en teleasistencia', 'Quiero pedir la teleasistencia para mi padre, que tiene 82 años y se ha caído dos veces este mes.', 'solicita teleasistencia para su padre, de 82 años',
        'La empresa adjudicataria instalará el terminal de teleasistencia en los próximos diez días.'),
      c('Avería del aparato de teleasistencia', 'El aparato de teleasistencia de mi tía pita todo el rato y no sabemos qué le pasa.', 'comunica una avería del terminal de teleasistencia',
        'Se ha avisado a la empresa, que ha cambiado el terminal; era la batería.'),
    ],
    details: ['Vive en {direccion}, en un cuarto sin ascensor.'],
    documents: ['informe médico', 'datos de dos personas de contacto con llave'],
    notes: ['Comunicada la incidencia a la empresa de teleasistencia.'],
  },
  {
    key: 'emergencia-social', departmentId: 'servicios-sociales', weight: 1.5, form: 'Solicitud de ayuda de emergencia social', priority: 'urgent', channels: { visit: 2, phone: 1.5 },
    cases: [
      c('Ayuda de emergencia para pagar el alquiler', 'Me han llegado dos avisos de desahucio y no puedo pagar el alquiler de este mes.', 'solicita ayuda de emergencia para pagar el alquiler',
        'Se le ha concedido una ayuda de emergencia social de {importe}, que se abonará directamente al arrendador.'),
      c('Corte de luz por impago', 'Nos van a cortar la luz por una factura de {importe} que no podemos pagar.', 'comunica que le van a cortar la luz por impago',
        'Hemos comunicado a la compañía eléctrica que es usted consumidor vulnerable; no le cortarán el suministro mientras se tramita el bono social.'),
      c('Solicitud de ayuda para alimentos', 'Estoy en paro desde hace meses, tengo dos hijos y no llego a fin de mes para la comida.', 'pide ayuda para alimentos',
        'Se le ha concedido una tarjeta monedero de alimentación de {importe} al mes durante tres meses.'),
    ],
    details: ['Cobro el ingreso mínimo vital pero no alcanza.', 'Mi hija pequeña tiene asma y necesitamos la calefacción.'],
    documents: ['contrato de alquiler y recibos pendientes', 'certificado de ingresos', 'factura del suministro'],
    notes: ['Derivada al banco de alimentos de Cáritas hasta la resolución.', 'Cita con la trabajadora social el {dia} a las {hora}.'],
  },
  {
    key: 'cita-trabajadora-social', departmentId: 'servicios-sociales', weight: 2, form: 'Cita con los servicios sociales', channels: { phone: 2 },
    cases: [
      c('Cita con la trabajadora social|Información sobre la ley de dependencia', 'Quería pedir cita con la trabajadora social para informarme de la dependencia de mi marido.', 'pide cita con la trabajadora social por la dependencia de su marido',
        'Tiene cita con la trabajadora social el {dia} a las {hora} en el Centro de Servicios Sociales.'),
      c('Vecino mayor que vive solo', 'Necesito hablar con alguien de servicios sociales sobre la situación de mi vecino, el señor {vecino}, que vive solo y no sale de casa.', 'alerta de un vecino mayor que vive solo y no sale de casa',
        'La trabajadora social de zona ha visitado a su vecino y se le ha ofrecido el servicio de ayuda a domicilio. Gracias por avisarnos.'),
    ],
    details: ['Mi marido tiene alzhéimer diagnosticado desde hace tres años.'],
    documents: ['informe médico'],
    notes: ['Asignada a la trabajadora social de zona.'],
  },
  // ── Medio Ambiente ──────────────────────────────────────────────────────────────────────
  {
    key: 'ruido', departmentId: 'medio-ambiente', weight: 3, form: 'Queja por ruidos', anyHour: true, tags: ['convivencia'],
    cases: [
      c('Ruido de la terraza del bar|Terraza abierta hasta la madrugada', 'Desde hace semanas la terraza de {negocio} en {calle} no cierra hasta la una y media y no podemos dormir.', 'se queja del ruido de la terraza de {negocio}',
        'Se ha abierto expediente sancionador al establecimiento por incumplir el horario de cierre de la terraza.'),
      c('Molestias por ruido de un vecino|Música alta todas las noches', 'El vecino de arriba, el señor {vecino}, pone la música muy alta todas las noches hasta las tres.', 'denuncia la música alta de un vecino por las noches',
        'La Policía Local se personó en la vivienda el {fecha} y levantó acta; se ha incoado expediente sancionador por infracción de la ordenanza de ruidos.'),
      c('Ruido de la maquinaria de aire acondicionado', 'El aparato de aire acondicionado del local de abajo hace un ruido constante que se oye en todo el piso.', 'comunica molestias por una máquina de aire acondicionado',
        'Se realizó una medición de ruido desde su vivienda y se superaban los límites; se ha requerido al titular que insonorice la máquina en un mes.'),
    ],
    details: ['Tengo un bebé de cuatro meses que se despierta cada noche.', 'Hemos llamado varias veces a la Policía Local, pero cuando llegan ya han bajado el volumen.', 'Puedo facilitar grabaciones con la hora.'],
    documents: ['grabaciones o registro de días y horas', 'dirección exacta de la actividad'],
    notes: ['Pedida medición sonométrica nocturna a la Policía Local.', 'Tercera queja este año sobre el mismo local.'],
  },
  {
    key: 'poda-arbolado', departmentId: 'medio-ambiente', weight: 2, form: 'Aviso sobre arbolado y zonas verdes',
    cases: [
      c('Poda de árboles en {calle}', 'Los {arbol} de {calle} tapan las farolas y las ramas llegan a los balcones; ¿cuándo se podan?', 'pide la poda de los {arbol} de {calle}',
        'La poda de los {arbol} de {calle} está incluida en la campaña de invierno; se realizará en enero.'),
      c('Rama a punto de caer en el parque', 'En el parque de {barrio} hay una rama grande rota que puede caer encima de los niños.', 'avisa de una rama rota en el parque de {barrio}',
        'La brigada de jardinería ha retirado la rama y revisado el resto del arbolado del parque.'),
      c('Árbol que levanta la acera', 'Las raíces de un árbol están levantando la acera delante de mi portal en {calle}.', 'comunica que las raíces de un árbol levantan la acera de {calle}',
        'Se ha cortado la raíz superficial y la brigada de obras ha repuesto las baldosas de la acera.'),
    ],
    details: ['Se lo comenté al jardinero y me dijo que llamara al Ayuntamiento.', 'Una señora mayor ya se ha caído allí.'],
    documents: ['fotografía del árbol y ubicación'],
    notes: ['Aviso pasado a la empresa de mantenimiento de zonas verdes.'],
  },
  {
    key: 'plagas', departmentId: 'medio-ambiente', weight: 1.5, form: 'Aviso de plagas',
    cases: [
      c('Ratas en el solar de {calle}', 'En el solar abandonado de {calle} hay ratas y se meten en los patios.', 'avisa de ratas en un solar de {calle}',
        'La empresa de control de plagas ha desratizado el solar y se ha requerido al propietario que lo limpie y lo valle.'),
      c('Procesionaria en los pinos del parque', 'Los pinos del parque de {barrio} están llenos de bolsas de procesionaria y los niños juegan debajo.', 'comunica procesionaria en los pinos del parque de {barrio}',
        'Se han retirado las bolsas de procesionaria y colocado trampas de feromonas en los pinos del parque.'),
      c('Cucarachas en las alcantarillas', 'Por las noches salen cucarachas de la alcantarilla de delante de mi casa.', 'avisa de cucarachas en las alcantarillas de su calle',
        'La empresa de control de plagas ha tratado la red de alcantarillado de la zona.'),
    ],
    details: ['Tenemos un perro y nos da miedo que la toque.'],
    documents: ['ubicación exacta'],
    notes: ['Tratamiento programado con la empresa de control de plagas.'],
  },
  {
    key: 'animales', departmentId: 'medio-ambiente', weight: 1.5, form: 'Animales de compañía',
    cases: [
      c('Licencia de perro potencialmente peligroso', 'Quiero tramitar la licencia para tener un perro potencialmente peligroso.', 'solicita licencia de perro potencialmente peligroso',
        'Se le ha concedido la licencia para la tenencia de animales potencialmente peligrosos, válida por cinco años.'),
      c('Colonia de gatos en {calle}', 'Una vecina alimenta a una colonia de gatos en {calle} y hay mucha suciedad.', 'comunica una colonia felina en {calle}',
        'La colonia está registrada y la gestiona una asociación con el método CER; le hemos pedido que limpie la zona de alimentación.'),
      c('Censo de animales de compañía', 'Quiero dar de alta a mi perro en el censo municipal.', 'quiere inscribir a su perro en el censo municipal',
        'Su perro ha quedado inscrito en el censo municipal de animales de compañía.'),
    ],
    details: ['Tengo el certificado de aptitud psicológica y el seguro.'],
    documents: ['certificado de antecedentes penales', 'seguro de responsabilidad civil', 'certificado de aptitud psicológica'],
    notes: ['Consultada la asociación protectora que gestiona las colonias.'],
  },
  // ── Policía Local ───────────────────────────────────────────────────────────────────────
  {
    key: 'multa', departmentId: 'policia-local', weight: 4, form: 'Alegaciones a una denuncia de tráfico',
    cases: [
      c('Recurso contra multa de aparcamiento', 'Me han puesto una multa de {importe} por aparcar en {calle} el {fecha}, pero la señal estaba tapada por un árbol.', 'presenta alegaciones a una multa de aparcamiento por una señal tapada',
        'Estimadas sus alegaciones, se archiva el expediente sancionador {expediente}.',
        'Se desestiman las alegaciones: el agente se ratifica en la denuncia y la señalización era visible. Puede pagar con reducción del 50 % en veinte días.'),
      c('Alegaciones a la denuncia {expediente}', 'Presento alegaciones a la denuncia {expediente}: el vehículo {matricula} no era el mío, es un error de matrícula.', 'reclama una multa por un error de matrícula',
        'Comprobado el error en la matrícula, se anula la denuncia {expediente}.'),
      c('Multa en zona de carga y descarga', 'Me multaron en la zona de carga y descarga a las nueve de la noche, fuera del horario señalizado.', 'recurre una multa en zona de carga y descarga fuera de horario',
        'Estimadas sus alegaciones, se archiva el expediente sancionador {expediente}.'),
      c('Identificación del conductor', 'Quiero identificar al conductor de la multa del vehículo {matricula}, que conducía mi hijo.', 'identifica al conductor de una denuncia de tráfico',
        'Se ha registrado la identificación del conductor; la sanción se tramitará a su nombre.'),
    ],
    details: ['Adjunto fotografías de la señal.', 'Ese día estaba de viaje, tengo los billetes.', 'He pagado con descuento pero quiero que conste mi desacuerdo.'],
    documents: ['copia de la denuncia', 'fotografías del lugar', 'permiso de conducir del conductor'],
    notes: ['Pedido informe de ratificación al agente denunciante.', 'Comprobada la señalización con fotografías del {fecha}.'],
  },
  {
    key: 'vehiculo-abandonado', departmentId: 'policia-local', weight: 1.5, form: 'Aviso de vehículo abandonado', anyHour: true,
    cases: [
      c('Coche abandonado en {calle}|Furgoneta abandonada desde hace meses', 'Hay un coche blanco con matrícula {matricula} aparcado en {calle} desde hace tres meses, con las ruedas pinchadas.', 'avisa de un vehículo abandonado en {calle}',
        'Los agentes han precintado el vehículo y se ha requerido al titular; si no lo retira en un mes, se trasladará al depósito.'),
      c('Vehículo sin matrícula en el polígono', 'En el polígono La Dehesa hay una furgoneta sin placas y con los cristales rotos.', 'avisa de una furgoneta sin placas en el polígono',
        'La grúa municipal ha retirado la furgoneta al depósito como residuo sólido urbano.'),
    ],
    details: ['Está lleno de hojas y de basura.'],
    documents: ['matrícula y ubicación'],
    notes: ['Consultado el titular en la DGT; sin seguro en vigor.'],
  },
  {
    key: 'objetos-perdidos', departmentId: 'policia-local', weight: 1.5, form: 'Objetos perdidos', channels: { phone: 1.5, visit: 1.5 },
    cases: [
      c('Cartera perdida en el mercadillo', 'Perdí la cartera el {fecha} en el mercadillo, con el DNI y las tarjetas.', 'pregunta por una cartera perdida en el mercadillo',
        'Su cartera ha sido entregada en la Jefatura; puede recogerla con un documento identificativo.',
        'No consta ninguna cartera con esa descripción; le avisaremos si aparece.'),
      c('Objetos perdidos: llaves', 'Se me cayeron unas llaves con un llavero rojo en el parque de {barrio}.', 'busca unas llaves perdidas en el parque de {barrio}',
        'Tenemos unas llaves con llavero rojo entregadas el {fecha}; puede pasar a recogerlas por la Jefatura.'),
      c('He perdido el móvil en el autobús', 'Me dejé el móvil en el autobús urbano de la línea 2.', 'pregunta por un móvil perdido en el autobús urbano',
        'La empresa del autobús nos ha entregado su teléfono; puede recogerlo en la Jefatura de Policía Local.'),
    ],
    details: ['Ya he anulado las tarjetas en el banco.'],
    documents: ['descripción del objeto'],
    notes: ['Revisado el registro de objetos perdidos de la semana.'],
  },
  {
    key: 'convivencia', departmentId: 'policia-local', weight: 1.5, form: 'Aviso a la Policía Local', anyHour: true, channels: { phone: 2.5, email: 0.5 }, priority: 'high',
    cases: [
      c('Botellón en el parque de {barrio}', 'Todos los viernes hay botellón en el parque de {barrio} y por la mañana está lleno de cristales.', 'avisa de un botellón en el parque de {barrio}',
        'Se ha incluido el parque en el servicio nocturno de los fines de semana y se ha reforzado la limpieza del sábado.'),
      c('Fiesta con ruido de madrugada en {calle}', 'Hay una fiesta en un piso de {calle} y son las cuatro de la mañana.', 'llama por una fiesta con ruido de madrugada en {calle}',
        'Una patrulla se desplazó al lugar y levantó acta; se ha denunciado a los responsables.'),
      c('Coche aparcado delante de mi vado', 'Otra vez hay un coche aparcado delante de mi vado en {calle} y no puedo sacar el mío.', 'comunica un coche que bloquea su vado',
        'La grúa retiró el vehículo que bloqueaba el vado y se ha denunciado al conductor.'),
    ],
    details: ['Es la tercera vez este mes.'],
    documents: [],
    notes: ['Patrulla desplazada, sin novedad a la llegada.', 'Incluido en el parte del turno de noche.'],
  },
  // ── Cultura ─────────────────────────────────────────────────────────────────────────────
  {
    key: 'talleres-cultura', departmentId: 'cultura', weight: 2, form: 'Inscripción en talleres culturales',
    cases: [
      c('Inscripción en el taller de cerámica', 'Quería inscribirme en el taller de cerámica de la Casa de la Cultura para este curso.', 'pregunta por plazas en el taller de cerámica',
        'Le confirmamos su plaza en el taller de cerámica, los martes de 18:00 a 20:00.',
        'Está en la lista de espera con el número 4; le avisaremos si queda una plaza libre.'),
      c('Plazas en el taller de teatro', 'Mi hija {hijo} quiere apuntarse al taller de teatro infantil, ¿quedan plazas?', 'quiere apuntar a su hija al taller de teatro infantil',
        'Hemos inscrito a {hijo} en el taller de teatro infantil de los jueves.'),
      c('Horario de la biblioteca en verano', '¿Qué horario tiene la biblioteca municipal en julio y agosto?', 'consulta el horario de verano de la biblioteca',
        'En julio y agosto la biblioteca abre de lunes a viernes de 9:00 a 14:00; la sala de estudio, también de 16:00 a 20:00.'),
    ],
    details: ['El año pasado me quedé en lista de espera.'],
    documents: ['justificante de empadronamiento'],
    notes: ['Sorteo de plazas realizado el {fecha}.'],
  },
  {
    key: 'cesion-espacios', departmentId: 'cultura', weight: 1, form: 'Solicitud de uso de espacios municipales',
    cases: [
      c('Cesión del salón de actos', 'La Asociación de Vecinos de {barrio} quiere usar el salón de actos el {dia} para una asamblea.', 'solicita el salón de actos para una asamblea vecinal',
        'Se autoriza el uso del salón de actos el {dia} de 19:00 a 21:00.'),
      c('Uso de un aula para una asociación', 'Necesitamos un aula los jueves por la tarde para un grupo de lectura.', 'pide un aula los jueves para un grupo de lectura',
        'Se les cede el aula 3 de la Casa de la Cultura los jueves de 17:00 a 19:00 durante el curso.'),
    ],
    details: ['Seremos unas 60 personas.'],
    documents: ['inscripción en el registro municipal de asociaciones'],
    notes: ['Salón libre ese día; confirmar con conserjería.'],
  },
  // ── Deportes ────────────────────────────────────────────────────────────────────────────
  {
    key: 'abono-deportivo', departmentId: 'deportes', weight: 2, form: 'Abono y reservas deportivas',
    cases: [
      c('Abono de la piscina municipal', 'Quiero sacar el abono familiar de la piscina de verano.', 'pregunta por el abono familiar de la piscina',
        'Puede sacar el abono familiar en las taquillas de la piscina o en la sede electrónica; los empadronados tienen un 30 % de descuento.'),
      c('Reserva de la pista de pádel', 'No puedo reservar la pista de pádel en la web, me da un error al pagar.', 'comunica un error al reservar la pista de pádel',
        'Era un fallo de la pasarela de pago, ya corregido; le hemos reservado la pista para el {dia} a las {hora}.'),
      c('Escuelas deportivas municipales', 'Quería apuntar a mi hijo {hijo} a la escuela de fútbol sala.', 'quiere inscribir a su hijo en la escuela de fútbol sala',
        'La inscripción en las escuelas deportivas se abre el 1 de septiembre; le hemos reservado plaza provisional.'),
      c('Devolución del abono de natación', 'Me cobraron dos veces el abono de natación de este trimestre.', 'reclama un cobro duplicado del abono de natación',
        'Le hemos devuelto el cargo duplicado de {importe}.'),
    ],
    details: ['Somos cinco en la familia.', 'Lo he intentado desde el móvil y desde el ordenador.'],
    documents: ['justificante del cargo bancario'],
    notes: ['Error de la pasarela de pago; avisada la empresa.'],
  },
  {
    key: 'instalaciones-deportivas', departmentId: 'deportes', weight: 1, form: 'Aviso en instalaciones deportivas',
    cases: [
      c('Duchas frías en el polideportivo', 'Las duchas del polideportivo llevan una semana sin agua caliente.', 'avisa de que no hay agua caliente en el polideportivo',
        'El servicio de mantenimiento ha reparado la caldera del polideportivo.'),
      c('Canasta rota en la pista de {barrio}', 'La canasta de la pista de {barrio} está rota y es peligrosa.', 'avisa de una canasta rota en la pista de {barrio}',
        'Se ha retirado la canasta rota y se instalará una nueva la semana que viene.'),
    ],
    details: ['Los chavales se cuelgan de ella igualmente.'],
    documents: [],
    notes: ['Parte de avería a mantenimiento.'],
  },
  // ── Educación ───────────────────────────────────────────────────────────────────────────
  {
    key: 'escuela-infantil', departmentId: 'educacion', weight: 2, form: 'Solicitud de plaza en escuela infantil',
    cases: [
      c('Plaza en la escuela infantil municipal', 'Queremos solicitar plaza para nuestra hija {hijo} en la escuela infantil municipal El Trébol.', 'solicita plaza en la escuela infantil para su hija',
        'Su hija ha sido admitida; la matrícula se formaliza del 1 al 10 de julio.'),
      c('Lista de admitidos escuela infantil', 'No encuentro a mi hijo en la lista de admitidos de la escuela infantil y entregamos la solicitud en plazo.', 'reclama no aparecer en la lista de admitidos',
        'Revisada la baremación, su solicitud tiene 12 puntos y ocupa el puesto 3 de la lista de espera.'),
      c('Cuota de la escuela infantil', 'Quería saber cómo se calcula la cuota mensual de la escuela infantil.', 'pregunta cómo se calcula la cuota de la escuela infantil',
        'La cuota depende de la renta per cápita de la familia; con los datos aportados le corresponde una cuota de {importe} al mes.'),
    ],
    details: ['Los dos trabajamos a jornada completa.', 'Tenemos un hermano ya matriculado en el centro.'],
    documents: ['libro de familia', 'certificado de empresa de los progenitores', 'declaración de la renta'],
    notes: ['Error en la baremación: faltaban los puntos por hermano.'],
  },
  {
    key: 'becas-comedor', departmentId: 'educacion', weight: 1.5, form: 'Ayudas de comedor escolar',
    cases: [
      c('Beca de comedor escolar', 'Quiero pedir la ayuda de comedor para mis dos hijos, que van al CEIP Gloria Fuertes.', 'solicita beca de comedor para sus dos hijos',
        'Se le ha concedido la ayuda de comedor para el curso, por importe de {importe} por alumno.'),
      c('Ayuda para libros de texto', '¿Cuándo sale la convocatoria de ayudas para libros de texto?', 'pregunta por la convocatoria de ayudas para libros',
        'La convocatoria de ayudas para libros de texto se publica en julio en la sede electrónica; le avisaremos por correo.'),
      c('Campamento urbano de verano', 'Quería inscribir a {hijo} en el campamento urbano de julio.', 'quiere inscribir a su hijo en el campamento urbano',
        'La inscripción en el campamento urbano se ha realizado; la primera quincena de julio.'),
    ],
    details: ['Estoy en situación de desempleo.'],
    documents: ['certificado de ingresos', 'certificado de matrícula'],
    notes: ['Comprobados los ingresos con la AEAT.'],
  },
  // ── Obras y Servicios ───────────────────────────────────────────────────────────────────
  {
    key: 'recogida-enseres', departmentId: 'obras-servicios', weight: 4, form: 'Recogida de muebles y enseres',
    cases: [
      c('Recogida de enseres|Recoger un colchón y un sofá', 'Quería solicitar la recogida de un sofá, un colchón y un somier en {direccion}.', 'solicita la recogida de un sofá y un colchón en {direccion}',
        'La recogida se realizará el {dia} por la mañana; deje los enseres junto al portal la noche anterior a partir de las 21:00.'),
      c('Solicitud de recogida de muebles viejos', 'Vamos a vaciar el piso de mi abuela y necesitamos que recojan varios muebles.', 'pide la recogida de los muebles de un piso que están vaciando',
        'La recogida se realizará el {dia} por la mañana; si son más de diez bultos, puede llevarlos al punto limpio.'),
      c('Enseres abandonados en {calle}', 'Alguien ha dejado un armario y una lavadora junto a los contenedores de {calle}.', 'avisa de enseres abandonados en {calle}',
        'El servicio de limpieza retiró los enseres abandonados el mismo día.'),
    ],
    details: ['Puedo bajarlos al portal el día que me digan.', 'Son unos diez bultos en total.'],
    documents: ['relación de objetos'],
    notes: ['Incluido en la ruta de recogida del {dia}.'],
  },
  {
    key: 'alumbrado', departmentId: 'obras-servicios', weight: 3, form: 'Avisos e incidencias en la vía pública', anyHour: true,
    cases: [
      c('Farola fundida en {calle}', 'La farola que hay delante del número {numero} de {calle} lleva una semana apagada.', 'avisa de una farola fundida en {calle}',
        'La empresa de mantenimiento del alumbrado ha sustituido la luminaria de {calle}.'),
      c('Calle sin luz desde hace días', 'Toda la calle {calle} se ha quedado sin alumbrado desde el {fecha} y por la noche da miedo pasar.', 'comunica que {calle} está entera sin alumbrado',
        'La avería se debía a un cable robado; ya está reparada.'),
      c('Avería del alumbrado en {barrio}', 'En el parque de {barrio} hay tres farolas que parpadean toda la noche.', 'avisa de farolas que parpadean en el parque de {barrio}',
        'Se han cambiado los equipos de las tres farolas del parque de {barrio}.'),
    ],
    details: ['Es el camino que usan los niños para ir al colegio.', 'Ya lo avisé por teléfono y sigue igual.'],
    documents: ['ubicación de la farola'],
    notes: ['Parte abierto con la empresa de alumbrado.', 'Pendiente de material: luminaria LED descatalogada.'],
  },
  {
    key: 'via-publica', departmentId: 'obras-servicios', weight: 3, form: 'Avisos e incidencias en la vía pública',
    cases: [
      c('Bache en {calle}', 'En {calle}, a la altura del número {numero}, hay un bache enorme que ya ha reventado dos ruedas.', 'avisa de un bache en {calle}',
        'La brigada de obras ha reparado el bache de {calle}.'),
      c('Acera rota en {calle}', 'La acera de {calle} está levantada y mi madre, que va con andador, no puede pasar.', 'comunica una acera rota en {calle}',
        'Se ha reparado la acera de {calle} y rebajado el bordillo del paso de peatones.'),
      c('Tapa de alcantarilla suelta', 'Hay una tapa de alcantarilla suelta en {calle} que suena cada vez que pasa un coche.', 'avisa de una tapa de alcantarilla suelta en {calle}',
        'Se ha calzado y fijado la tapa de la alcantarilla.'),
      c('Fuga de agua en la calle', 'Sale agua de la calzada en {calle} desde esta mañana.', 'avisa de una fuga de agua en la calzada de {calle}',
        'Hemos avisado al Canal, que ha reparado la fuga el mismo día.'),
    ],
    details: ['Adjunto una foto.', 'Está justo en el paso de peatones.'],
    documents: ['fotografía del desperfecto'],
    notes: ['Brigada enviada el {dia}.', 'Incluido en el plan de asfaltado de este año.'],
  },
  {
    key: 'limpieza-viaria', departmentId: 'obras-servicios', weight: 2, form: 'Limpieza viaria y residuos',
    cases: [
      c('Contenedores desbordados en {calle}', 'Los contenedores de {calle} llevan tres días desbordados y huele fatal.', 'se queja de los contenedores desbordados en {calle}',
        'Se ha reforzado la recogida en {calle} y se ha añadido un contenedor más.'),
      c('Limpieza de pintadas en la fachada', 'Han hecho pintadas en la fachada de nuestra comunidad en {calle}.', 'pide la limpieza de unas pintadas en {calle}',
        'El servicio de limpieza eliminó las pintadas de la fachada.'),
      c('Excrementos de perro en el parque', 'El parque de {barrio} está lleno de excrementos de perro.', 'se queja de excrementos de perro en el parque de {barrio}',
        'Se ha reforzado la limpieza del parque y la Policía Local vigilará la zona para sancionar a quien no recoja.'),
    ],
    details: ['Hay bolsas de basura por el suelo y las rompen los gatos.'],
    documents: ['fotografías'],
    notes: ['Comunicado a la concesionaria de limpieza.'],
  },
  // ── Movilidad ───────────────────────────────────────────────────────────────────────────
  {
    key: 'vado', departmentId: 'movilidad', weight: 2.5, form: 'Solicitud de vado permanente',
    cases: [
      c('Licencia de vado|Solicitud de vado permanente', 'Quiero solicitar un vado para el garaje de mi casa en {direccion}.', 'solicita licencia de vado para su garaje',
        'Se ha concedido la licencia de vado; puede recoger la placa en la Jefatura de Policía Local tras pagar la tasa de {importe}.'),
      c('Placa de vado robada', 'Me han robado la placa del vado y necesito una nueva.', 'pide una placa de vado nueva porque se la han robado',
        'Puede recoger la nueva placa en la Jefatura de Policía Local con la denuncia del robo.'),
      c('Baja de vado', 'Ya no uso el garaje y quiero dar de baja el vado para no pagar la tasa.', 'solicita la baja del vado',
        'Se ha tramitado la baja del vado; deberá pintar de nuevo el bordillo y entregar la placa.'),
    ],
    details: ['La entrada mide tres metros y medio.', 'El número de licencia del vado es el {expediente}.'],
    documents: ['plano de situación', 'fotografía de la entrada', 'licencia de primera ocupación'],
    notes: ['Visita técnica para medir la entrada.', 'Pendiente del informe de la Policía Local.'],
  },
  {
    key: 'tarjeta-pmr', departmentId: 'movilidad', weight: 1.5, form: 'Tarjeta de estacionamiento PMR',
    cases: [
      c('Tarjeta de estacionamiento para discapacidad', 'Quiero solicitar la tarjeta de estacionamiento para personas con movilidad reducida.', 'solicita la tarjeta de estacionamiento PMR',
        'Su tarjeta de estacionamiento está lista; puede recogerla en la OAC.'),
      c('Renovación de la tarjeta de aparcamiento PMR', 'Mi tarjeta de aparcamiento caduca el mes que viene y quiero renovarla.', 'pide renovar la tarjeta de aparcamiento PMR',
        'Se ha renovado su tarjeta por otros cinco años; puede recogerla en la OAC.'),
      c('Plaza de aparcamiento reservada', 'Solicito una plaza de aparcamiento reservada delante de mi casa en {calle}.', 'solicita una plaza reservada delante de su casa en {calle}',
        'Se ha aprobado la reserva de plaza en {calle}; la señalización se pondrá en dos semanas.'),
    ],
    details: ['Tengo un 68 % de discapacidad con movilidad reducida.'],
    documents: ['certificado de discapacidad con dictamen de movilidad', 'fotografía tamaño carné'],
    notes: ['Falta el dictamen de movilidad.'],
  },
  {
    key: 'senalizacion', departmentId: 'movilidad', weight: 1.5, form: 'Sugerencias de tráfico y señalización',
    cases: [
      c('Paso de cebra borrado en {calle}', 'El paso de peatones de {calle} frente al colegio está completamente borrado.', 'pide repintar el paso de peatones de {calle}',
        'Se ha repintado el paso de peatones de {calle}.'),
      c('Petición de reductor de velocidad', 'Los coches pasan muy rápido por {calle}; pedimos que se ponga un reductor de velocidad.', 'solicita un reductor de velocidad en {calle}',
        'El estudio de tráfico no aconseja el reductor; se ha instalado un radar pedagógico.'),
      c('Señal de stop caída', 'La señal de stop del cruce de {calle} está tirada en el suelo.', 'avisa de una señal de stop caída en {calle}',
        'La brigada de señalización ha repuesto la señal de stop.'),
      c('Horario del autobús urbano', '¿Han cambiado el horario del autobús urbano de la línea 1 los sábados?', 'pregunta por el horario del autobús urbano',
        'Desde el 1 de septiembre la línea 1 pasa cada 30 minutos los sábados; le adjuntamos el horario.'),
    ],
    details: ['Pasan muchos niños a la hora de entrada al colegio.'],
    documents: [],
    notes: ['Pasado a la brigada de señalización.'],
  },
  // ── Comercio ────────────────────────────────────────────────────────────────────────────
  {
    key: 'licencia-actividad', departmentId: 'comercio', weight: 1.5, form: 'Declaración responsable de actividad',
    cases: [
      c('Apertura de una peluquería', 'Quiero abrir una peluquería en un local de {calle} y no sé qué trámites necesito.', 'pregunta por los trámites para abrir una peluquería',
        'Se ha tomado conocimiento de la declaración responsable; puede iniciar la actividad.'),
      c('Cambio de titular de un bar', 'Vamos a coger el traspaso de {negocio} y queremos hacer el cambio de titularidad.', 'solicita el cambio de titular de {negocio}',
        'Se ha registrado el cambio de titularidad de la actividad.'),
      c('Apertura de una tienda de alimentación', 'Tengo un local en {barrio} y quiero abrir una tienda de alimentación.', 'quiere abrir una tienda de alimentación en {barrio}',
        'Se ha tomado conocimiento de la declaración responsable; puede iniciar la actividad.'),
    ],
    details: ['El local antes era una tienda de ropa.'],
    documents: ['declaración responsable de actividad', 'proyecto técnico o memoria', 'alta en el IAE'],
    notes: ['Requiere informe de Urbanismo sobre el uso del local.'],
  },
  {
    key: 'terraza', departmentId: 'comercio', weight: 1.5, form: 'Autorización de terraza',
    cases: [
      c('Renovación de la terraza de {negocio}', 'Solicito la renovación de la terraza de {negocio} con ocho mesas.', 'solicita la renovación de la terraza de {negocio}',
        'Se autoriza la terraza con ocho mesas hasta el 31 de diciembre; la tasa es de {importe}.'),
      c('Ampliación de terraza en fiestas', 'Quiero ampliar la terraza de {negocio} a la plaza durante las fiestas.', 'pide ampliar la terraza de {negocio} durante las fiestas',
        'Se autoriza la ampliación de la terraza durante las fiestas patronales, respetando un paso libre de dos metros.'),
      c('Mercadillo: puesto vacante', 'Quisiera saber si hay puestos libres en el mercadillo de los jueves.', 'pregunta por puestos libres en el mercadillo',
        'No quedan puestos vacantes; queda inscrito en la lista de espera.'),
    ],
    details: ['Adjunto el plano con la ocupación.'],
    documents: ['plano de la ocupación', 'seguro de responsabilidad civil'],
    notes: ['Informe de la Policía Local favorable.'],
  },
  {
    key: 'consumo', departmentId: 'comercio', weight: 1, form: 'Reclamación de consumo (OMIC)',
    cases: [
      c('Reclamación a una compañía telefónica', 'Quiero reclamar a mi compañía de teléfono, que me cobra una permanencia que no firmé.', 'presenta una reclamación de consumo contra una telefónica',
        'La OMIC ha trasladado su reclamación a la empresa, que ha aceptado anular el cargo.'),
      c('Hoja de reclamaciones de un comercio', 'En {negocio} se negaron a darme la hoja de reclamaciones.', 'denuncia que {negocio} le negó la hoja de reclamaciones',
        'Se ha dado traslado a la inspección de consumo de la Comunidad de Madrid para que actúe contra el establecimiento.'),
    ],
    details: ['Me reclaman {importe}.'],
    documents: ['contrato y facturas', 'copia de la hoja de reclamaciones'],
    notes: ['Mediación iniciada con la empresa.'],
  },
  // ── Juventud ────────────────────────────────────────────────────────────────────────────
  {
    key: 'juventud', departmentId: 'juventud', weight: 1.5, form: 'Actividades de juventud',
    cases: [
      c('Carné Joven', 'Quería sacarme el Carné Joven, ¿dónde se hace?', 'pregunta por el Carné Joven',
        'Puede tramitar el Carné Joven en el Espacio Joven de lunes a viernes de 10:00 a 14:00.'),
      c('Curso de monitor de tiempo libre', 'Me interesa el curso de monitor de ocio y tiempo libre de este verano.', 'se interesa por el curso de monitor de tiempo libre',
        'Le hemos inscrito en el curso de monitor, que empieza el {dia}.'),
      c('Espacio Joven: horarios', '¿A qué hora abre el Espacio Joven los sábados?', 'pregunta por el horario del Espacio Joven',
        'El Espacio Joven abre los sábados de 11:00 a 14:00 y de 17:00 a 21:00.'),
    ],
    details: ['Tengo 19 años y estoy estudiando.'],
    documents: ['DNI', 'fotografía'],
    notes: ['Inscrita en la lista del curso.'],
  },
  // ── Igualdad ────────────────────────────────────────────────────────────────────────────
  {
    key: 'igualdad', departmentId: 'igualdad', weight: 1, form: 'Punto Municipal de Igualdad', channels: { phone: 1.5, visit: 1.5 },
    cases: [
      c('Cita en el Punto de Igualdad|Asesoría jurídica gratuita', 'Quería pedir cita con la asesora jurídica del Punto de Igualdad.', 'pide cita con la asesoría jurídica',
        'Tiene cita con la asesora jurídica el {dia} a las {hora}; la atención es confidencial.'),
      c('Talleres de igualdad en los institutos', 'Desde el AMPA del instituto nos gustaría organizar un taller sobre igualdad.', 'propone un taller de igualdad para el instituto',
        'Hemos incluido el instituto en la programación de talleres del segundo trimestre.'),
      c('Información sobre conciliación', 'Necesito información sobre conciliación y reducción de jornada.', 'pide información sobre conciliación y reducción de jornada',
        'Le enviamos la guía de conciliación y le ofrecemos cita con la asesora laboral el {dia}.'),
    ],
    details: ['Prefiero que me llamen por las mañanas.'],
    documents: [],
    notes: ['Contactada por teléfono; prefiere no recibir correo.'],
  },
  // ── Atención Ciudadana ──────────────────────────────────────────────────────────────────
  {
    key: 'cita-previa', departmentId: 'atencion-ciudadana', weight: 3, form: 'Cita previa', channels: { phone: 2 },
    cases: [
      c('Cita previa en la OAC|No hay citas disponibles', 'Necesito cita previa en la OAC para registrar unos documentos y no encuentro huecos.', 'pide cita previa en la OAC',
        'Le hemos dado cita el {dia} a las {hora} en la OAC Centro.'),
      c('Cambiar mi cita previa', 'Tenía cita el {dia} y no puedo ir; ¿puedo cambiarla?', 'quiere cambiar su cita previa',
        'Su cita se ha cambiado al {dia} a las {hora}.'),
    ],
    details: ['Trabajo por las mañanas.'],
    documents: [],
    notes: ['Apertura de agenda de tarde los jueves.'],
  },
  {
    key: 'certificado-digital', departmentId: 'atencion-ciudadana', weight: 2, form: 'Registro en Cl@ve y certificado digital',
    cases: [
      c('Acreditación del certificado digital', 'Quiero acreditar mi identidad para el certificado digital de la FNMT.', 'acude a acreditar su identidad para el certificado digital',
        'Se ha acreditado su identidad; ya puede descargar el certificado desde la web de la FNMT.'),
      c('Registro en Cl@ve', 'Necesito darme de alta en Cl@ve para hacer trámites por internet.', 'pide registrarse en Cl@ve',
        'Se ha completado su registro en Cl@ve nivel avanzado.'),
      c('No puedo entrar en la sede electrónica', 'Al entrar en la sede electrónica con el certificado me da un error.', 'no puede entrar en la sede electrónica con su certificado',
        'El navegador no tenía instalado el certificado raíz de la FNMT; tras instalarlo ya puede acceder.'),
    ],
    details: ['Tengo el código de solicitud de la FNMT.'],
    documents: ['DNI', 'código de solicitud de la FNMT'],
    notes: ['Probado con otro navegador: funciona.'],
  },
  {
    key: 'quejas-sugerencias', departmentId: 'atencion-ciudadana', weight: 2, form: 'Quejas y sugerencias', tags: ['queja'],
    cases: [
      c('Queja por la espera en la OAC', 'Quiero poner una queja por la espera de más de una hora en la OAC el {fecha}.', 'presenta una queja por la espera en la OAC',
        'Lamentamos la espera; ese día hubo una incidencia informática. Hemos reforzado la atención.'),
      c('Sugerencia: más bancos en el parque', 'Sugiero que se pongan más bancos y fuentes en el parque de {barrio}.', 'sugiere más bancos y fuentes en el parque de {barrio}',
        'Hemos trasladado su sugerencia a la Concejalía de Medio Ambiente, que la estudiará en los presupuestos del próximo año.'),
      c('Felicitación al personal', 'Quiero felicitar a la funcionaria que me atendió el {fecha}, fue muy amable.', 'felicita a una funcionaria de la OAC',
        'Muchas gracias por su felicitación; se la hemos hecho llegar a nuestra compañera.'),
    ],
    details: ['Tenía cita a las {hora}.'],
    documents: [],
    notes: ['Trasladada a la concejalía.'],
  },
  {
    key: 'registro', departmentId: 'atencion-ciudadana', weight: 2, form: 'Registro General', channels: { visit: 2.5 },
    cases: [
      c('Registro de documentos para otra administración', 'Quería registrar una solicitud dirigida a la Comunidad de Madrid.', 'registra una solicitud dirigida a la Comunidad de Madrid',
        'Se ha registrado su escrito con el número {expediente} y se ha remitido por ORVE.'),
      c('Copia auténtica de documentos', 'Necesito una copia auténtica de mi título para una oposición.', 'pide copia auténtica de un título',
        'Le entregamos la copia auténtica electrónica del documento.'),
      c('Horario del Ayuntamiento en agosto', '¿Qué horario tiene el Ayuntamiento en agosto?', 'pregunta por el horario de agosto',
        'En agosto las oficinas municipales atienden de 8:30 a 13:30; la OAC Centro, también los jueves por la tarde.'),
    ],
    details: ['Es para la convocatoria que cierra el viernes.'],
    documents: ['documento original'],
    notes: ['Remitido por ORVE.'],
  },
  // ── Internal, opened by clerks ──────────────────────────────────────────────────────────
  {
    key: 'interno', departmentId: 'obras-servicios', weight: 0, form: 'Parte interno', channels: { internal: 1 },
    cases: [
      c('Señal dañada detectada por la patrulla en {calle}', 'La patrulla ha detectado una señal de tráfico doblada en {calle}.', 'parte interno', 'Señal sustituida por la brigada.'),
      c('Revisión de la fuente del parque de {barrio}', 'La fuente del parque de {barrio} pierde agua.', 'parte interno', 'Fuente reparada: era la válvula de cierre.'),
      c('Inventario de mobiliario urbano en {barrio}', 'Hay que actualizar el inventario de bancos y papeleras de {barrio}.', 'parte interno', 'Inventario actualizado en el GIS municipal.'),
    ],
    details: ['Prioridad normal.'],
    documents: [],
    notes: ['Pasado a la brigada.'],
  },
];

/** The internal topic: tickets opened by clerks, without a citizen. */
export const INTERNAL_TOPIC = TOPICS.find((topic) => topic.key === 'interno')!;
