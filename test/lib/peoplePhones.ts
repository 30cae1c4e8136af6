/** Leads of Dedupe 1.2's reading of people's phones, shared by the lib (dedupe.test.ts) and node (Dedupe.test.ts) tests. */

/** Namesakes at one company, one writing from home, each with their own number. */
export const NAMESAKES_OWN_PHONES: Array<Record<string, unknown>> = [
	{
		id: 'k1',
		first_name: 'Karen',
		last_name: 'Walker',
		email: 'karen.walker@gmail.com',
		phone: '(415) 555-0188',
		company: 'Northpeak Logistics Inc',
		city: 'Chicago',
	},
	{
		id: 'k2',
		first_name: 'Karen',
		last_name: 'Walker',
		email: 'kwalker@northpeak.example',
		phone: '+1 312 555 0127',
		company: 'Northpeak Logistics',
		city: 'Chicago',
	},
];

/**
 * One person, a Madrid number with a digit too many (Spain has 9-digit numbers: it does not
 * parse), typed with and without +34.
 */
export const ONE_NUMBER_TWO_WAYS: Array<Record<string, unknown>> = [
	{
		id: 'l1',
		first_name: 'Lucia',
		last_name: 'Romero',
		email: 'lucia.romero@gmail.com',
		phone: '+34 91 901 200 59',
		company: 'Novanorth Labs SL',
		country: 'ES',
	},
	{
		id: 'l2',
		first_name: 'Lucia',
		last_name: 'Romero',
		email: 'lromero@novanorth.example',
		phone: '91 901 200 59',
		company: 'Novanorth Labs',
		country: 'ES',
	},
];
