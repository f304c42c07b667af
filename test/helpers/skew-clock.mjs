// Preload (`node --import …/skew-clock.mjs`): makes the process's wall clock step.
// Each SIGUSR2 applies the next step of SKEW_STEPS_MS (comma-separated ms, e.g.
// "3600000,-7200000" = +1 h, then −2 h). Only Date.now() moves, as an NTP step would
// move it; performance.now() (monotonic) does not. Used by src/server/clock-step.test.ts.
const realNow = Date.now.bind(Date);
const steps = (process.env.SKEW_STEPS_MS ?? '3600000').split(',').map(Number);
let offsetMs = 0;
let next = 0;
Date.now = () => realNow() + offsetMs;
process.on('SIGUSR2', () => {
  offsetMs += steps[next++ % steps.length];
  process.stderr.write(`skew-clock: wall clock offset now ${offsetMs} ms\n`);
});
