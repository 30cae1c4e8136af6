/**
 * End-to-end tests wait on a real n8n, timers and restarts: on a busy 2-core machine jest's default
 * of 5 s is too short for any of them, so the e2e project's default is three minutes (a test that
 * needs longer says so itself).
 */
jest.setTimeout(180_000);
