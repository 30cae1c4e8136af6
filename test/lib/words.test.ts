/** Times in words, in a person's own zone (#30): what SLA alerts and the templates' emails say. */
import { whenInWords, zoneInWords } from '../../lib/time/words';
import { buildPolicy, evaluateSla, evaluateSlaAhead, parseEscalation } from '../../lib/sla/policy';
import { slaSpec } from './helpers';

const t = (iso: string) => Date.parse(iso);
const NOW = t('2026-12-06T10:00:00Z');

describe('a moment in words', () => {
	it.each([
		// Written by hand from the zones' offsets on those dates.
		['2026-12-07T18:00:00Z', 'America/New_York', 'Monday 7 December at 1:00 PM New York time'],
		['2026-12-07T18:00:00Z', 'Europe/Paris', 'Monday 7 December at 19:00 Paris time'],
		['2026-12-07T18:00:00Z', 'Asia/Kolkata', 'Monday 7 December at 11:30 PM Kolkata time'],
		['2026-12-07T18:00:00Z', 'UTC', 'Monday 7 December at 18:00 UTC'],
		['2026-12-07T18:00:00Z', 'America/Argentina/Buenos_Aires', 'Monday 7 December at 15:00 Buenos Aires time'],
		// Summer time: Paris at UTC+2 the day before the switch back, UTC+1 the day after.
		['2026-10-24T07:00:00Z', 'Europe/Paris', 'Saturday 24 October at 09:00 Paris time'],
		['2026-10-26T07:00:00Z', 'Europe/Paris', 'Monday 26 October at 08:00 Paris time'],
		// Past midnight in the person's zone: the date is theirs, not UTC's.
		['2026-12-08T02:30:00Z', 'America/Los_Angeles', 'Monday 7 December at 6:30 PM Los Angeles time'],
		// Another year is named.
		['2027-01-04T09:00:00Z', 'Europe/Berlin', 'Monday 4 January 2027 at 10:00 Berlin time'],
	])('%s in %s is "%s"', (iso, zone, words) => {
		expect(whenInWords(t(iso), zone, NOW)).toBe(words);
	});

	it('names zones as people say them', () => {
		expect(zoneInWords('America/New_York')).toBe('New York');
		expect(zoneInWords('Etc/UTC')).toBe('UTC');
	});
});

describe("SLA texts in the owner's time zone", () => {
	const policy = buildPolicy(slaSpec({ escalation: parseEscalation('100: owner') }));
	const created = t('2026-12-04T15:00:00Z'); // Friday 16:00 Berlin, 10:00 New York

	it("says when the first response is due in the policy's zone, in words", () => {
		const r = evaluateSla(policy, { createdAt: created, touches: [], pauses: [] }, t('2026-12-04T15:30:00Z'));
		// 1 h on Friday, 3 h on Monday from 09:00 Berlin
		expect(r.due_at).toBe('2026-12-07T11:00:00.000Z');
		expect(r.due_text).toBe('Monday 7 December at 12:00 Berlin time');
		expect(r.why).toBe(
			'First response due Monday 7 December at 12:00 Berlin time (business hours Mon-Fri 09:00-17:00)',
		);
		// What the node understood of the schedule and holidays, in the clock's zone.
		expect(r.business_hours).toBe('Mon-Fri 09:00-17:00 (Berlin time)');
	});

	it("and in the owner's zone when the lead has an owner with one", () => {
		const r = evaluateSla(
			policy,
			{ createdAt: created, touches: [], pauses: [], zone: 'America/New_York' },
			t('2026-12-04T15:30:00Z'),
		);
		// 10:00-17:00 New York on Friday: 4 h from 10:00 → 14:00 the same day
		expect(r.due_text).toBe('Friday 4 December at 2:00 PM New York time');
		expect(r.why).toContain('2:00 PM New York time');
	});

	it('says what it understood of hours typed in several ways, with holidays', () => {
		const shifts = buildPolicy(
			slaSpec({
				name: 'Support',
				firstResponseHours: 2,
				clock: {
					kind: 'business',
					schedule: 'Mon-Thu 08:00-12:00, 13:00-17:00; Fri 08:00-15:00; sat 22:00-06:00',
					zone: 'America/New_York',
					holidays: '2026-12-24..2026-12-26, 2027-01-01',
				},
				ownerZone: false,
				escalation: parseEscalation('100: owner'),
			}),
		);
		const r = evaluateSla(shifts, { createdAt: created, touches: [], pauses: [] }, created);
		expect(r.business_hours).toBe(
			'Mon-Thu 08:00-12:00, 13:00-17:00; Fri 08:00-15:00; Sat 22:00-24:00; Sun 00:00-06:00; not on 2026-12-24..2026-12-26, 2027-01-01 (New York time)',
		);
	});

	it('each alert target carries its due time in words', () => {
		const { targets } = evaluateSlaAhead(
			policy,
			{ createdAt: created, touches: [], pauses: [] },
			t('2026-12-07T10:30:00Z'),
		);
		expect(targets[0]).toMatchObject({ id: 'first_response', due_text: 'Monday 7 December at 12:00 Berlin time' });
	});
});
