import { warmCaptureTables } from '../../lib/capture/capture';
import { disposableListsLoaded, isDisposableDomain } from '../../lib/normalize/disposable';
import { LeadCaptureTrigger } from '../../nodes/LeadCaptureTrigger/LeadCaptureTrigger.node';

// Its own file: jest gives each file fresh modules, so nothing has loaded the lists before.
describe('the capture tables are built when the trigger is activated, not by the first lead', () => {
	it("loads the disposable-domain lists in the trigger's activation check", async () => {
		expect(disposableListsLoaded()).toBe(false);
		const trigger = new LeadCaptureTrigger();
		expect(await trigger.webhookMethods.default.checkExists.call({} as never)).toBe(true);
		expect(disposableListsLoaded()).toBe(true);
		expect(isDisposableDomain('mailinator.com')).toBe(true);
		// Idempotent.
		warmCaptureTables();
		expect(isDisposableDomain('acme.com')).toBe(false);
	});
});
