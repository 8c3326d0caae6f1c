/** Errors of the training engine: unsupported graphs and bad training inputs, each naming what is wrong. */
export class TrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainError';
  }
}
