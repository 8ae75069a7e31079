import { api, unwrap } from '../../api/client';
import { NoticeList } from './NoticeList';

/**
 * 特殊医疗救助公示 (一公开, no sign-in): as the relief notice — masked name, street, the special
 * relief with any joint-meeting extra, and how and until when to object.
 */
export function SpecialReliefNoticesPage() {
  return (
    <NoticeList
      title="特殊医疗救助公示"
      heading="特殊医疗救助公示"
      name="special-relief-notices"
      amountTitle="特殊救助金额（元）"
      empty="当前没有公示中的特殊医疗救助"
      fetch={async (query) =>
        unwrap(api.GET('/api/v1/public/special-relief-notices', { params: { query } }))
      }
    />
  );
}
