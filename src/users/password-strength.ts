import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * The minimum strength of a password set through the API (creating a user, an administrator's
 * reset, one's own change): at least 10 characters of at least 3 of the 4 classes — lower-case,
 * upper-case, digits, anything else (punctuation, spaces, 汉字) — not the username inside it,
 * not a short pattern repeated, and not one of the passwords every attacker tries first. Length
 * counts most (NIST SP 800-63B); the classes keep out plain words and dates.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MIN_CLASSES = 3;

const COMMON = new Set([
  'password1!',
  'password123',
  'password@123',
  'p@ssw0rd123',
  'passw0rd!',
  'admin@12345',
  'admin123456',
  'qwerty123!',
  'qwe123!@#',
  '1qaz2wsx3edc',
  '1qaz@wsx3edc',
  'abc123456!',
  'a123456789',
  'aa123456789',
  'abcd@12345',
  'welcome123!',
  'woaini1314!',
]);

/** The character classes a password uses (0–4). */
export function characterClasses(password: string): number {
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];
  return classes.filter((c) => c.test(password)).length;
}

/** Null when the password is strong enough, else what is wrong with it. */
export function passwordProblem(password: unknown, username?: string): string | null {
  if (typeof password !== 'string') {
    return 'must be a string';
  }
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  }
  if (characterClasses(password) < PASSWORD_MIN_CLASSES) {
    return `must mix at least ${PASSWORD_MIN_CLASSES} of lower-case letters, upper-case letters, digits and other characters`;
  }
  if (/^(.{1,4})\1+$/su.test(password)) {
    return 'must not repeat a short pattern';
  }
  if (COMMON.has(password.toLowerCase())) {
    return 'is one of the most common passwords';
  }
  if (
    username !== undefined &&
    username.length >= 3 &&
    password.toLowerCase().includes(username.toLowerCase())
  ) {
    return 'must not contain the username';
  }
  return null;
}

/** class-validator: passwordProblem() is null (the object's `username`, when it has one, is checked too). */
export function IsAcceptablePassword(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAcceptablePassword',
      validator: {
        validate(value: unknown, args?: ValidationArguments): boolean {
          const username = (args?.object as { username?: unknown } | undefined)?.username;
          return (
            passwordProblem(value, typeof username === 'string' ? username : undefined) === null
          );
        },
        defaultMessage(args?: ValidationArguments): string {
          const username = (args?.object as { username?: unknown } | undefined)?.username;
          const problem = passwordProblem(
            args?.value,
            typeof username === 'string' ? username : undefined,
          );
          return `${args?.property ?? 'password'} ${problem ?? 'is too weak'}`;
        },
      },
    },
    validationOptions,
  );
}
