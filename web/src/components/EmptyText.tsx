import { Empty } from 'antd';

/**
 * A table's "nothing here" as an Empty (its text has the theme's readable description colour;
 * a plain string is drawn in antd's pale disabled grey, below WCAG contrast).
 */
export function emptyText(text: string) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} />;
}
