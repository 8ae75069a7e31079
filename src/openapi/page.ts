import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '../common/pagination/pagination.dto';

const pages = new Map<Type, Type>();

/**
 * The pagination envelope of one item type as a named schema (`CaseViewPage`), so a generated
 * client types `items` (docs/api.md: `{ items, total, page, pageSize }`).
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  const known = pages.get(item);
  if (known) {
    return known as Type<Page<T>>;
  }
  class ItemPage implements Page<T> {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty({ type: 'integer', minimum: 0, description: 'items across all pages' })
    total!: number;
    @ApiProperty({ type: 'integer', minimum: 1 }) page!: number;
    @ApiProperty({ type: 'integer', minimum: 1, maximum: 500 }) pageSize!: number;
  }
  Object.defineProperty(ItemPage, 'name', { value: `${item.name}Page` });
  pages.set(item, ItemPage);
  return ItemPage;
}
