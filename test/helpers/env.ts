import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.LEAD_MANAGEMENT_DB ??= join(tmpdir(), `lead-management-test-${process.pid}.sqlite`);
