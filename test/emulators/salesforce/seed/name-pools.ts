/**
 * First and last names for generated people, with an ASCII slug computed once per name (for email local parts), so
 * generating a row never normalises a string. The pools mix cultures, apostrophes, prefixes and accents on purpose.
 */

export interface PooledName {
  name: string;
  slug: string;
}

const FIRST_NAMES = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Chris', 'Karen', 'Daniel', 'Nancy',
  'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Steven', 'Ashley', 'Paul', 'Emily', 'Andrew', 'Donna',
  'Joshua', 'Michelle', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Stephanie', 'Tim', 'Rebecca', 'Ryan',
  'Laura', 'Jacob', 'Sharon', 'Gary', 'Cynthia', 'Nicholas', 'Kathleen', 'Eric', 'Amy', 'Jonathan', 'Angela',
  'Priya', 'Raj', 'Ananya', 'Vikram', 'Wei', 'Li', 'Mei', 'Hiroshi', 'Yuki', 'Sakura', 'Min-jun', 'Ji-woo', 'Mohammed',
  'Fatima', 'Omar', 'Aisha', 'Carlos', 'María', 'José', 'Lucía', 'Sofía', 'Mateo', 'João', 'Ana', 'Pierre', 'Amélie',
  'Léa', 'François', 'Hans', 'Jürgen', 'Anja', 'Lukas', 'Søren', 'Ingrid', 'Björn', 'Astrid', 'Łukasz', 'Zoë',
  'Siobhan', 'Niamh', 'Seán', 'Aoife', 'Olusegun', 'Chiamaka', 'Kwame', 'Ama', 'Dmitri', 'Olga', 'Nikolai', 'Anastasia',
  'Jean-Luc', 'Mary Kate', 'Ava', 'Noah', 'Liam', 'Olivia', 'Ethan', 'Mia', 'Lucas', 'Harper', 'Isabella', 'Logan',
  'Grace', 'Jack', 'Chloe', 'Owen', 'Zara', 'Theo', 'Nora', 'Leo', 'Ivy', 'Finn', 'Ruby', 'Kai', 'Jo', 'Al',
];

const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen',
  'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall',
  'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', "O'Brien", "O'Neill", "D'Angelo", 'McDonald', 'MacLeod',
  'McKenzie', 'van der Berg', 'van Dijk', 'de Vries', 'De Luca', 'von Trapp', 'da Silva', 'dos Santos', 'Le Roux',
  'St. John', 'Smith-Jones', 'Garcia Lopez', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weiß', 'Wagner', 'Becker',
  'Dubois', 'Lefèvre', 'Moreau', 'Fontaine', 'Rossi', 'Russo', 'Bianchi', 'Fernández', 'González', 'Muñoz', 'Álvarez',
  'Kowalski', 'Nowak', 'Wiśniewski', 'Johansson', 'Andersson', 'Nilsen', 'Sørensen', 'Novák', 'Horváth', 'Ivanov',
  'Petrova', 'Kim', 'Park', 'Choi', 'Wang', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Sato', 'Suzuki', 'Takahashi',
  'Tanaka', 'Patel', 'Sharma', 'Singh', 'Kumar', 'Gupta', 'Iyer', 'Reddy', 'Khan', 'Ali', 'Hussain', 'Okafor',
  'Adeyemi', 'Mensah', 'Cohen', 'Levi', 'Friedman', 'Murphy', 'Kelly', 'Byrne', 'Walsh', 'Ng', 'Wu', 'Ho', 'Ek',
];

const FOLD: Record<string, string> = { ł: 'l', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', đ: 'd' };

/** Lower-case ASCII letters only (accents folded, spaces and punctuation dropped; apostrophes kept). */
export function slugOf(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[łøßæœđ]/g, (ch) => FOLD[ch] ?? '')
    .replace(/[^a-z']/g, '');
}

const pooled = (names: readonly string[]): readonly PooledName[] =>
  names.map((name) => ({ name, slug: slugOf(name) }));

export const FIRST_NAME_POOL = pooled(FIRST_NAMES);
export const LAST_NAME_POOL = pooled(LAST_NAMES);
