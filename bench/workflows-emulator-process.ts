// The iManage emulator in a process of its own for the workflow benchmarks, so that its CPU time is
// not spent on the thread of the Lexbridge (or plain-script) side being measured, as with a real
// server. Options come as one JSON argument; prints "ready" once listening.
import { type EmulatorOptions, startEmulator } from '../packages/imanage-emulator/src/index.ts';

const emulator = await startEmulator(JSON.parse(process.argv[2]!) as EmulatorOptions);
console.log(`ready ${emulator.customerId}`);
process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
