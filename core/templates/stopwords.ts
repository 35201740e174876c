/**
 * Words that say nothing about what a citizen asks: articles, prepositions, pronouns, the
 * courtesies of a letter, in Spanish and English, folded (no accents). Left out of template
 * suggestions so that "buenos días, quería saber" does not match every template.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a al algo algun alguna algunas alguno algunos ante antes aqui asi aun aunque bajo bien cada como con contra cual
  cuales cuando de del desde donde dos durante e el ella ellas ello ellos en entre era eran es esa esas ese eso esos
  esta estaba estado estan estar estas este esto estos fue fueron ha haber habia han hasta hay he hemos la las le les
  lo los mas me mi mis mismo mucho muy nada ni no nos nosotros o os otra otras otro otros para pero poco por porque
  que quien se sea ser si sido sin sobre su sus tambien tan tanto te tengo tiene tienen todo todos tu tus un una unas
  uno unos usted ustedes vosotros y ya yo
  hola buenos buenas dias tardes noches saludo saludos atentamente cordial cordiales gracias muchas favor estimado
  estimada estimados senor senora senores don dona querido querida quisiera queria querria saber gustaria
  consulta consultar pregunta preguntar informacion solicito solicitar solicitud solicitudes necesito necesitar puedo
  puede pueden podria
  hacer hago hecho dia mes ano hoy ayer manana semana
  the and for with from this that have has are was were you your our will would could should please thanks thank
  dear regards hello kind about into not any can how what when where which who why`
    .split(/\s+/)
    .filter(Boolean),
);
