import { maskIdNumber, maskName, maskPersonalData, maskPhone } from './masking';

describe('personal data masking', () => {
  it('should keep the first 6 and last 4 characters of a resident ID', () => {
    expect(maskIdNumber('110105194912310029')).toBe('110105********0029');
  });

  it('should keep the first 3 and last 4 digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('should mask idNumber and phone fields at any depth without touching other fields', () => {
    const masked = maskPersonalData({
      applicant: { name: '张三', idNumber: '110105194912310029', phone: '13812345678' },
      members: [{ idNumber: '11010519491231002X' }],
      amount: '12.30',
    });
    expect(masked).toEqual({
      applicant: { name: '张三', idNumber: '110105********0029', phone: '138****5678' },
      members: [{ idNumber: '110105********002X' }],
      amount: '12.30',
    });
  });
});

describe('maskName (public notices)', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧*'],
    [' 李四 ', '李*'],
    ['', '*'],
  ])('should show %p as %p: the first character and one star, never the length', (name, shown) => {
    expect(maskName(name)).toBe(shown);
  });
});
