import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { YearCalendar } from '../../common/calendar/working-calendar';

/** One year of the official holiday schedule (法定节假日 and 调休 make-up working days). */
@Entity('calendar_years')
export class CalendarYearEntity {
  @PrimaryColumn({ type: 'int' })
  year!: number;

  @Column({ type: 'json' })
  data!: YearCalendar;

  @Column({ type: 'varchar', length: 255, nullable: true })
  source!: string | null;

  @Column({ name: 'loaded_at', type: 'datetime', precision: 3 })
  loadedAt!: Date;
}
