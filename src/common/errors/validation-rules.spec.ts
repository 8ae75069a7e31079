import { getMetadataStorage, IsInt, IsString, Min, validate } from 'class-validator';
import { VALIDATOR_OPTIONS } from './validation';
import { rememberValidationRules } from './validation-rules';

class ApplicantDto {
  @IsString()
  name!: string;
}

class ExpenseDto extends ApplicantDto {
  @IsInt()
  @Min(0)
  amount!: number;
}

function rulesOf(
  target: new () => object,
): ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']> {
  return getMetadataStorage().getTargetValidationMetadatas(target, '', false, false);
}

async function fieldsFailing(instance: object): Promise<string[]> {
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  return errors.map((e) => e.property).sort();
}

describe('rememberValidationRules', () => {
  beforeAll(() => rememberValidationRules());

  it('should look a class up once and answer the same rules after', () => {
    const first = rulesOf(ExpenseDto);
    expect(rulesOf(ExpenseDto)).toBe(first);
    // Its own rules and the inherited one, not another class's.
    expect(first.map((r) => r.propertyName).sort()).toEqual(['amount', 'amount', 'name']);
    expect(rulesOf(ApplicantDto).map((r) => r.propertyName)).toEqual(['name']);
  });

  it('should validate as before: inherited rules, unknown fields refused', async () => {
    expect(
      await fieldsFailing(Object.assign(new ExpenseDto(), { name: '张三', amount: 5 })),
    ).toEqual([]);
    expect(await fieldsFailing(Object.assign(new ExpenseDto(), { name: 7, amount: -1 }))).toEqual([
      'amount',
      'name',
    ]);
    expect(
      await fieldsFailing(Object.assign(new ApplicantDto(), { name: '张三', extra: 1 })),
    ).toEqual(['extra']);
  });

  it('should forget what it remembered when a class with rules is declared later', async () => {
    const before = rulesOf(ExpenseDto);
    class LateDto {
      @IsInt()
      count!: number;
    }
    expect(rulesOf(ExpenseDto)).not.toBe(before);
    expect(rulesOf(ExpenseDto)).toEqual(before);
    expect(await fieldsFailing(Object.assign(new LateDto(), { count: 'x' }))).toEqual(['count']);
  });
});
