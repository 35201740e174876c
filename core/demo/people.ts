/**
 * Fictional people of a Spanish town: names in their real frequencies (a few surnames are very
 * common, many are rare, which is what makes searching for a surname meaningful), streets, ID
 * documents with correct check characters, phones and addresses.
 *
 * Every mail address is under the reserved `.example` top-level domain (RFC 2606 §2), so demo
 * data can never send mail to a real person.
 */
import { checkSpanishDocument, cifControl, dniCheckLetter, type SpanishDocumentType } from '../identity/documents';
import type { Random } from './random';
import { Weighted } from './random';

export type Gender = 'female' | 'male';

const FEMALE_NAMES: readonly (readonly [string, number])[] = [
  ['María', 8], ['Carmen', 6], ['María del Carmen', 5], ['Ana', 5], ['Laura', 4], ['Isabel', 4], ['María Pilar', 3],
  ['Cristina', 3], ['Marta', 3], ['Lucía', 3], ['María José', 4], ['Pilar', 3], ['Elena', 3], ['Raquel', 2], ['Paula', 2],
  ['Sara', 2], ['Rosa María', 2], ['Dolores', 2], ['Antonia', 2], ['Francisca', 2], ['Mercedes', 2], ['Beatriz', 2],
  ['Nuria', 2], ['Silvia', 2], ['Julia', 2], ['Alba', 2], ['Irene', 2], ['Patricia', 2], ['Sofía', 2], ['Andrea', 2],
  ['Rocío', 2], ['Inmaculada', 1], ['Montserrat', 1], ['Consuelo', 1], ['Encarnación', 1], ['Yolanda', 1], ['Verónica', 1],
  ['Noelia', 1], ['Eva', 1], ['Teresa', 1], ['Ángela', 1], ['Lorena', 1], ['Amparo', 1], ['Begoña', 1], ['Ainhoa', 1],
  ['Nerea', 1], ['Aurora', 1], ['Remedios', 1], ['Milagros', 1], ['Esperanza', 1], ['Lidia', 1], ['Alicia', 1],
  ['Natalia', 1], ['Mónica', 1], ['Sonia', 1], ['Susana', 1], ['Marina', 1], ['Claudia', 1], ['Celia', 1], ['Olga', 1],
  ['Gema', 1], ['Miriam', 1], ['Estefanía', 1], ['Jimena', 0.5], ['Daniela', 1], ['Valeria', 1], ['Carla', 1],
  ['Martina', 1], ['Ana Belén', 1], ['María Ángeles', 2], ['María Luisa', 1], ['María Jesús', 1], ['Ana Isabel', 1],
  ['Itziar', 0.3], ['Maite', 0.5], ['Covadonga', 0.2], ['Macarena', 0.5], ['Fuensanta', 0.2], ['Almudena', 0.8],
];

const MALE_NAMES: readonly (readonly [string, number])[] = [
  ['Antonio', 7], ['José', 6], ['Manuel', 6], ['Francisco', 5], ['David', 4], ['Juan', 4], ['Javier', 4], ['Daniel', 3],
  ['José Antonio', 4], ['José Luis', 4], ['Francisco Javier', 3], ['Carlos', 3], ['Jesús', 3], ['Alejandro', 3],
  ['Miguel', 3], ['José Manuel', 3], ['Rafael', 2], ['Pedro', 2], ['Ángel', 2], ['Pablo', 2], ['Miguel Ángel', 3],
  ['Fernando', 2], ['Sergio', 2], ['Luis', 2], ['Jorge', 2], ['Alberto', 2], ['Juan Carlos', 2], ['Álvaro', 2],
  ['Adrián', 2], ['Diego', 2], ['Raúl', 2], ['Enrique', 1], ['Ramón', 1], ['Vicente', 1], ['Iván', 1], ['Rubén', 1],
  ['Óscar', 1], ['Andrés', 1], ['Joaquín', 1], ['Santiago', 1], ['Eduardo', 1], ['Víctor', 1], ['Roberto', 1],
  ['Jaime', 1], ['Mario', 1], ['Ignacio', 1], ['Alfonso', 1], ['Hugo', 1], ['Gonzalo', 1], ['Marcos', 1], ['Íñigo', 0.4],
  ['Aitor', 0.4], ['Xabier', 0.2], ['Mateo', 1], ['Lucas', 1], ['Nicolás', 1], ['Emilio', 1], ['Julián', 1], ['Tomás', 1],
  ['Agustín', 1], ['Gregorio', 0.5], ['Salvador', 0.5], ['Ricardo', 1], ['Guillermo', 1], ['Héctor', 1], ['Fermín', 0.3],
  ['Juan José', 1], ['Luis Miguel', 0.5], ['Eusebio', 0.2], ['Baltasar', 0.1], ['Casimiro', 0.1],
];

/**
 * Surnames with weights close to their frequency in Spain (INE); the long tail of rare ones
 * (Zubizarreta, Olabarrieta, Mondragón…) gives searches with a handful of hits.
 */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['García', 14], ['Rodríguez', 9], ['González', 9], ['Fernández', 9], ['López', 8.7], ['Martínez', 8.3], ['Sánchez', 8],
  ['Pérez', 7.7], ['Gómez', 5], ['Martín', 5], ['Jiménez', 4], ['Ruiz', 4], ['Hernández', 3.8], ['Díaz', 3.7],
  ['Moreno', 3.5], ['Muñoz', 3], ['Álvarez', 3], ['Romero', 2.3], ['Alonso', 2], ['Gutiérrez', 2], ['Navarro', 2],
  ['Torres', 2], ['Domínguez', 2], ['Vázquez', 1.9], ['Ramos', 1.8], ['Gil', 1.8], ['Ramírez', 1.7], ['Serrano', 1.6],
  ['Blanco', 1.6], ['Molina', 1.5], ['Morales', 1.5], ['Suárez', 1.5], ['Ortega', 1.4], ['Delgado', 1.4], ['Castro', 1.4],
  ['Ortiz', 1.4], ['Rubio', 1.3], ['Marín', 1.3], ['Sanz', 1.3], ['Núñez', 1.2], ['Iglesias', 1.2], ['Medina', 1.2],
  ['Garrido', 1.1], ['Cortés', 1], ['Castillo', 1], ['Santos', 1], ['Lozano', 1], ['Guerrero', 1], ['Cano', 1],
  ['Prieto', 1], ['Méndez', 1], ['Cruz', 1], ['Calvo', 0.9], ['Gallego', 0.9], ['Vidal', 0.9], ['León', 0.9],
  ['Márquez', 0.9], ['Herrera', 0.9], ['Peña', 0.9], ['Flores', 0.9], ['Cabrera', 0.8], ['Campos', 0.8], ['Vega', 0.8],
  ['Fuentes', 0.8], ['Carrasco', 0.8], ['Díez', 0.7], ['Caballero', 0.7], ['Reyes', 0.7], ['Nieto', 0.7], ['Aguilar', 0.7],
  ['Pascual', 0.7], ['Santana', 0.6], ['Herrero', 0.6], ['Lorenzo', 0.6], ['Montero', 0.6], ['Hidalgo', 0.6],
  ['Giménez', 0.6], ['Ibáñez', 0.6], ['Ferrer', 0.6], ['Durán', 0.6], ['Benítez', 0.5], ['Mora', 0.5], ['Vicente', 0.5],
  ['Vargas', 0.5], ['Arias', 0.5], ['Carmona', 0.5], ['Crespo', 0.5], ['Román', 0.5], ['Pastor', 0.5], ['Soto', 0.5],
  ['Sáez', 0.5], ['Velasco', 0.5], ['Moya', 0.5], ['Soler', 0.5], ['Parra', 0.4], ['Esteban', 0.4], ['Bravo', 0.4],
  ['Gallardo', 0.4], ['Rojas', 0.4], ['Pardo', 0.4], ['Merino', 0.4], ['Franco', 0.4], ['Espinosa', 0.4],
  ['Izquierdo', 0.4], ['Lara', 0.4], ['Rivas', 0.4], ['Silva', 0.4], ['Rivera', 0.4], ['Casado', 0.4], ['Arroyo', 0.4],
  ['Redondo', 0.3], ['Camacho', 0.3], ['Rey', 0.3], ['Vera', 0.3], ['Otero', 0.3], ['Luque', 0.3], ['Galán', 0.3],
  ['Montes', 0.3], ['Ríos', 0.3], ['Sierra', 0.3], ['Segura', 0.3], ['Carrillo', 0.3], ['Marcos', 0.3], ['Escudero', 0.2],
  ['Maldonado', 0.2], ['Plaza', 0.2], ['Mateos', 0.2], ['Valero', 0.2], ['Miranda', 0.15], ['Salazar', 0.15],
  ['Beltrán', 0.15], ['Palacios', 0.15], ['Aranda', 0.1], ['Salinas', 0.1], ['Ballesteros', 0.1], ['Bermúdez', 0.1],
  ['Villanueva', 0.1], ['Echevarría', 0.08], ['Villalobos', 0.08], ['Cifuentes', 0.08], ['Quintanilla', 0.06],
  ['Zamorano', 0.06], ['Arrieta', 0.06], ['Figueroa', 0.06], ['Zubizarreta', 0.05], ['Barrionuevo', 0.05],
  ['Valcárcel', 0.05], ['Carvajal', 0.05], ['Ojeda', 0.05], ['Goikoetxea', 0.04], ['Urrutia', 0.04], ['Zurita', 0.04],
  ['Taboada', 0.04], ['Sepúlveda', 0.04], ['Olabarrieta', 0.03], ['Altamirano', 0.03], ['Sotomayor', 0.03],
  ['Albarracín', 0.03], ['Peñalver', 0.03], ['Anguita', 0.03], ['Toledano', 0.03], ['Mondragón', 0.02], ['Lasheras', 0.02],
];

/** Residents from abroad: [given names, surnames, gender, language, document]. */
const FOREIGN_PEOPLE: readonly (readonly [string, string, Gender, string, 'nie' | 'passport'])[] = [
  ['Ion', 'Popescu', 'male', 'es', 'nie'], ['Elena', 'Ionescu', 'female', 'es', 'nie'], ['Andrei', 'Dumitru', 'male', 'es', 'nie'],
  ['Mihaela', 'Stan', 'female', 'es', 'nie'], ['Mohamed', 'El Amrani', 'male', 'es', 'nie'], ['Fátima', 'Benali', 'female', 'es', 'nie'],
  ['Youssef', 'Bouzid', 'male', 'es', 'nie'], ['Khadija', 'Alaoui', 'female', 'es', 'nie'], ['Wei', 'Zhang', 'male', 'es', 'nie'],
  ['Li Na', 'Wang', 'female', 'es', 'nie'], ['Olena', 'Kovalenko', 'female', 'es', 'nie'], ['Oleksandr', 'Shevchenko', 'male', 'es', 'nie'],
  ['Luz Marina', 'Restrepo Ospina', 'female', 'es', 'nie'], ['Wilson', 'Quispe Mamani', 'male', 'es', 'nie'],
  ['Yessenia', 'Cedeño Zambrano', 'female', 'es', 'nie'], ['Carlos Eduardo', 'Rondón Pérez', 'male', 'es', 'nie'],
  ['John', 'Whitfield', 'male', 'en', 'passport'], ['Margaret', 'Ashworth', 'female', 'en', 'passport'],
  ['Camille', 'Dubois', 'female', 'fr', 'passport'], ['Thomas', 'Keller', 'male', 'de', 'passport'],
];

const STREET_TYPES = new Weighted<string>([
  ['Calle', 70], ['Avenida', 10], ['Plaza', 6], ['Paseo', 4], ['Camino', 3], ['Travesía', 3], ['Ronda', 2], ['Glorieta', 1],
]);

/** Street names as they follow the type: "Calle Mayor", "Calle de la Fuente". */
const STREET_NAMES: readonly string[] = [
  'Mayor', 'Real', 'Nueva', 'Ancha', 'Baja', 'Alta', 'de Enmedio', 'de Atrás', 'de la Iglesia', 'del Sol', 'de la Constitución',
  'de Cervantes', 'de Goya', 'de los Olivos', 'de las Eras', 'del Molino', 'de la Fuente', 'del Río', 'de San Isidro',
  'de Santa Ana', 'del Carmen', 'de la Paz', 'de España', 'de Andalucía', 'de Extremadura', 'de Castilla', 'de Toledo',
  'de Valencia', 'del Pozo', 'de la Ermita', 'de los Almendros', 'de los Rosales', 'de las Acacias', 'de los Pinos',
  'de los Álamos', 'de las Huertas', 'del Labrador', 'de los Herreros', 'de los Tejares', 'de la Alameda', 'del Ferrocarril',
  'de la Estación', 'de Federico García Lorca', 'de Antonio Machado', 'de Miguel Hernández', 'de Gloria Fuertes',
  'de Clara Campoamor', 'de Rosalía de Castro', 'de Blas de Otero', 'de Juan Ramón Jiménez', 'de Rafael Alberti',
  'de la Hispanidad', 'del Doctor Fleming', 'de Ramón y Cajal', 'de Severo Ochoa', 'de Isaac Peral', 'de Jacinto Benavente',
  'de Emilia Pardo Bazán', 'de la Libertad', 'de la Concordia', 'del Progreso', 'de Portugal', 'de Pío Baroja',
  'de Zurbarán', 'de Velázquez', 'de Murillo', 'del Greco', 'de Sorolla', 'del Guadalquivir', 'del Tajo', 'del Ebro',
  'del Duero', 'de Gredos', 'de Guadarrama', 'de Sierra Nevada', 'del Moncayo', 'de la Vega', 'del Prado', 'de la Cañada',
  'del Arroyo', 'de las Moreras', 'de los Sauces', 'de los Tilos', 'de los Cipreses', 'de las Amapolas', 'de los Jazmines',
  'de las Violetas', 'de la Luna', 'de las Estrellas', 'de Joaquín Rodrigo', 'de Manuel de Falla', 'de Isaac Albéniz',
  'de los Reyes Católicos', 'de Alfonso X el Sabio', 'de Lope de Vega', 'de Quevedo', 'de Góngora', 'de Calderón de la Barca',
  'de Tirso de Molina', 'de Bécquer', 'de Espronceda', 'de Galdós', 'de Unamuno', 'de Valle-Inclán', 'de Azorín',
  'de Carmen Martín Gaite', 'de Ana María Matute', 'de Miguel Delibes', 'de Santa Teresa', 'de San Juan de la Cruz',
  'de San Roque', 'de San Sebastián', 'de San Antón', 'de la Virgen del Rosario', 'de la Soledad', 'de la Trinidad',
  'del Horno', 'de la Tahona', 'de la Fragua', 'del Lavadero', 'de las Escuelas', 'del Hospital', 'del Mercado',
  'del Parque', 'de la Ribera', 'de los Cañizares', 'del Cerro Gordo', 'de Valdelagua', 'de la Dehesa Boyal',
];

export const NEIGHBOURHOODS: readonly string[] = [
  'Centro', 'Casco Antiguo', 'El Ensanche', 'Los Olivos', 'San Isidro', 'La Estación', 'El Pinar', 'Las Eras', 'Barrio Norte',
  'La Vega', 'Valdeluz', 'El Quiñón', 'Los Almendros', 'Polígono La Dehesa', 'Huerta del Rey', 'El Castillo', 'Santa Ana',
];

export const POSTAL_CODES: readonly string[] = ['28790', '28791', '28792', '28793'];

export const MUNICIPALITY = 'Villanueva del Prado';
export const PROVINCE = 'Madrid';

const MAIL_DOMAINS = new Weighted<string>([
  ['gmail.example', 45], ['hotmail.example', 18], ['outlook.example', 10], ['yahoo.example', 6], ['icloud.example', 4],
  ['telefonica.example', 4], ['orange.example', 3], ['movistar.example', 2], ['ono.example', 2],
]);

const femaleNames = new Weighted(FEMALE_NAMES);
const maleNames = new Weighted(MALE_NAMES);
const surnames = new Weighted(SURNAMES);

export type PersonName = {
  given: string;
  /** One or two surnames, as written: 'García López'. */
  surnames: string;
  gender: Gender;
};

export function personName(random: Random): PersonName {
  const gender: Gender = random.chance(0.52) ? 'female' : 'male';
  const given = (gender === 'female' ? femaleNames : maleNames).pick(random);
  const first = surnames.pick(random);
  let second = surnames.pick(random);
  if (second === first && random.chance(0.8)) second = surnames.pick(random);
  return { given, surnames: `${first} ${second}`, gender };
}

export function firstSurname(name: PersonName): string {
  return name.surnames.split(' ')[0]!;
}

export function fullName(name: PersonName): string {
  return `${name.given} ${name.surnames}`;
}

const FOLDED: Record<string, string> = {
  á: 'a', à: 'a', â: 'a', ä: 'a', é: 'e', è: 'e', ê: 'e', ë: 'e', í: 'i', ì: 'i', î: 'i', ï: 'i',
  ó: 'o', ò: 'o', ô: 'o', ö: 'o', ú: 'u', ù: 'u', û: 'u', ü: 'u', ñ: 'n', ç: 'c',
};

/**
 * Lower case without accents, 'ñ' as 'n', as core/text's foldSpanish does (and FTS5 with
 * remove_diacritics 2), by a table: the names here only use these letters, and it is ten times
 * faster than Unicode normalisation, which matters at a hundred thousand citizens.
 */
export function foldName(text: string): string {
  return text.toLowerCase().replace(/[^ -~]/g, (ch) => FOLDED[ch] ?? ch);
}

/** The folded lookup key of citizens.nameKey: surnames first, lower case, no accents. */
export function nameKeyOf(surnamesFirst: string): string {
  return foldName(surnamesFirst).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 128);
}

export type ForeignPerson = PersonName & { language: string; document: 'nie' | 'passport' };

export function foreignPerson(random: Random): ForeignPerson {
  const [given, family, gender, language, document] = random.pick(FOREIGN_PEOPLE);
  return { given, surnames: family, gender, language, document };
}

export function surname(random: Random): string {
  return surnames.pick(random);
}

// ── ID documents ────────────────────────────────────────────────────────────────────────────

// The check characters come from core/identity, the same code that checks what a clerk types.

/** A DNI: eight digits and the check letter ('12345678Z'). */
export function dni(random: Random): string {
  const number = random.between(1_000_000, 79_999_999);
  return String(number).padStart(8, '0') + dniCheckLetter(number);
}

/** A NIE of a foreign resident: X, Y or Z, seven digits, and the check letter (X=0, Y=1, Z=2). */
export function nie(random: Random): string {
  const prefix = random.pick(['X', 'Y', 'Y', 'Z'] as const);
  const digits = random.digits(7);
  const number = Number('XYZ'.indexOf(prefix) + digits);
  return prefix + digits + dniCheckLetter(number);
}

/** A CIF of an organisation of kind `letter` (A/B companies, G associations, H owners' communities). */
export function cif(random: Random, letter: 'B' | 'G' | 'H' | 'A'): string {
  const digits = random.digits(7);
  // A, B, G and H write the control as a digit (G may use either; the demo keeps to the digit).
  return letter + digits + cifControl(digits).digit;
}

/** True when a DNI, NIE or CIF has the right shape and check character (core/identity's check). */
export function isValidSpanishDocument(type: SpanishDocumentType, number: string): boolean {
  return checkSpanishDocument(number, type).ok;
}

/** A foreign passport number, as loosely shaped as real ones. */
export function passportNumber(random: Random): string {
  return String.fromCharCode(65 + random.int(26), 65 + random.int(26)) + random.digits(7);
}

// ── Contact ────────────────────────────────────────────────────────────────────────────────

/** A Spanish mobile or Madrid landline in E.164. */
export function phoneNumber(random: Random): string {
  if (random.chance(0.8)) return '+34' + random.pick(['6', '6', '6', '7']) + random.digits(8);
  return '+3491' + random.digits(7);
}

/** The letters of a name for an address: 'Peña' → 'pena', 'María José' → 'mariajose'. */
export function mailLocal(text: string): string {
  return foldName(text).replace(/[^a-z0-9]+/g, '');
}

export function personalEmail(random: Random, name: PersonName, birthYear: number): string {
  const given = mailLocal(name.given.split(' ')[0]!);
  const [first = '', second = ''] = name.surnames.split(' ').map(mailLocal);
  const patterns = [
    () => `${given}.${first}`,
    () => `${given}${first}${String(birthYear).slice(2)}`,
    () => `${given[0]}${first}${second.slice(0, 1)}`,
    () => `${given}_${first}${second.slice(0, 3)}`,
    () => `${first}.${given}${random.between(1, 99)}`,
    () => `${given}${birthYear}`,
  ];
  const local = random.pick(patterns)();
  return `${local}@${MAIL_DOMAINS.pick(random)}`;
}

// ── Addresses ──────────────────────────────────────────────────────────────────────────────

/** 'Calle de la Fuente', 'Avenida de la Constitución'. */
export function street(random: Random): string {
  const type = STREET_TYPES.pick(random);
  return `${type} ${random.pick(STREET_NAMES)}`;
}

/** '3º B', 'bajo A', '1º izda.'. */
export function floorAndDoor(random: Random): string {
  const floor = random.chance(0.15) ? 'bajo' : `${random.between(1, 6)}º`;
  const door = random.pick(['A', 'B', 'C', 'D', 'izda.', 'dcha.', '1', '2']);
  return `${floor} ${door}`;
}

/** 'Calle de la Fuente 23, 2º B' or, for a house, 'Camino del Molino 7'. */
export function streetAddress(random: Random, streetName = street(random)): string {
  const number = random.between(1, random.chance(0.7) ? 60 : 180);
  return random.chance(0.65) ? `${streetName} ${number}, ${floorAndDoor(random)}` : `${streetName} ${number}`;
}

// ── Organisations ──────────────────────────────────────────────────────────────────────────

export type Organisation = { name: string; cifLetter: 'B' | 'G' | 'H' | 'A'; mailLocal: string };

export function organisation(random: Random): Organisation {
  const family = surnames.pick(random);
  const other = surnames.pick(random);
  const neighbourhood = random.pick(NEIGHBOURHOODS);
  const options: Organisation[] = [
    { name: `Comunidad de Propietarios ${streetAddress(random).split(',')[0]!}`, cifLetter: 'H', mailLocal: 'administracion' },
    { name: `Asociación de Vecinos ${neighbourhood}`, cifLetter: 'G', mailLocal: 'avv' + mailLocal(neighbourhood) },
    { name: `AMPA CEIP ${random.pick(['Miguel de Cervantes', 'Gloria Fuertes', 'San Isidro', 'Clara Campoamor', 'Antonio Machado'])}`, cifLetter: 'G', mailLocal: 'ampa' },
    { name: `Club Deportivo ${neighbourhood}`, cifLetter: 'G', mailLocal: 'cd' + mailLocal(neighbourhood) },
    { name: `${family} e Hijos, S.L.`, cifLetter: 'B', mailLocal: mailLocal(family) + 'ehijos' },
    { name: `Talleres ${family}, S.L.`, cifLetter: 'B', mailLocal: 'talleres' + mailLocal(family) },
    { name: `Construcciones ${family} y ${other}, S.L.`, cifLetter: 'B', mailLocal: 'obras' + mailLocal(family) },
    { name: `Distribuciones ${random.pick(['del Prado', 'Villanueva', 'La Dehesa', 'Guadarrama'])}, S.A.`, cifLetter: 'A', mailLocal: 'info' },
    { name: `Peña Cultural ${random.pick(['El Botijo', 'Los Amigos', 'La Alegría', 'El Cencerro'])}`, cifLetter: 'G', mailLocal: 'penacultural' },
  ];
  return random.pick(options);
}
