// Every feature's job definitions, imported for their side effect of registering with the queue.
// A feature that defines jobs adds its module here.
import '../authorisation/keep-alive.ts';
import './diagnostics.ts';
import './maintenance.ts';
import '../workflows/jobs.ts';
import '../publishing/jobs.ts';
