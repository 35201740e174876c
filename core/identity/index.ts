// Identity and contact details of citizens: the checks the screens run before a card is written.
export * from './documents';
export * from './contact';
export * from './name';
