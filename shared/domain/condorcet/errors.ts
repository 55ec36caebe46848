/**
 * A problem with the input (a ballot, a candidate list, a method or its limits). Messages are
 * one line and written for the person who supplied the data; callers add where it happened.
 */
export class TallyInputError extends Error {
  override readonly name = 'TallyInputError';
}
