import ms from "ms";

const uptime: string = ms(90_000, { long: true });
console.log(`hello from a TypeScript app (example duration: ${uptime})`);
