import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

import { normaliseResidentId, validateResidentId } from './resident-id';

export { normaliseResidentId, residentIdCheckChar, validateResidentId } from './resident-id';

/**
 * class-validator: the property is a valid GB 11643 resident ID (validateResidentId, today = the
 * time of validation). When valid, a lowercase trailing x is normalised to X on the validated
 * object, so what is stored is always upper case.
 */
export function IsResidentId(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isResidentId',
      validator: {
        validate(value: unknown, args?: ValidationArguments): boolean {
          if (validateResidentId(value) !== null) {
            return false;
          }
          const normalised = normaliseResidentId(value as string);
          const target = args?.object as Record<string, unknown> | undefined;
          // Only a plain property: with `each: true` the value is an element of an array.
          if (args && target && normalised !== value && target[args.property] === value) {
            target[args.property] = normalised;
          }
          return true;
        },
        defaultMessage(args?: ValidationArguments): string {
          const reason = validateResidentId(args?.value) ?? 'invalid resident ID';
          return `${args?.property ?? 'idNumber'}: ${reason}`;
        },
      },
    },
    validationOptions,
  );
}
