/** A recipe that does not parse or breaks the schema; `problems` names each bad field. */
export class RecipeError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid recipe: ${problems.join('; ')}.`);
    this.name = 'RecipeError';
  }
}
