import { api, unwrap } from '../../api/client';
import { NoticeList } from './NoticeList';

/** 医疗救助公示 (no sign-in): masked name, street, amount, and how and until when to object. */
export function ReliefNoticesPage() {
  return (
    <NoticeList
      title="医疗救助公示"
      heading="医疗救助对象公示"
      name="relief-notices"
      amountTitle="救助金额（元）"
      empty="当前没有公示中的救助对象"
      fetch={async (query) =>
        unwrap(api.GET('/api/v1/public/relief-notices', { params: { query } }))
      }
    />
  );
}
