// ms ships no type declarations; this one line keeps the example free of extra dev dependencies.
declare module "ms" {
  function ms(value: number, options?: { long: boolean }): string;
  export default ms;
}
