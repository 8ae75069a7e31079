/**
 * The managers' page (管理看板), served as one HTML document that talks to the API with the
 * user's own token (the same accounts as the API). A first version: counts per workflow and
 * state, and the overdue list; the SLA reports and charts come with the managers' view issue.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>医疗保障局 业务看板 · yibao-flow</title>
<style>
  body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem; color: #1f2933; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
  table { border-collapse: collapse; min-width: 40rem; }
  th, td { border-bottom: 1px solid #d9e2ec; padding: .4rem .8rem; text-align: left; }
  td.num { text-align: right; } .overdue { color: #b91c1c; font-weight: 600; }
  form { display: flex; gap: .5rem; } #error { color: #b91c1c; }
</style>
</head>
<body>
<h1>业务看板 <small>(医疗救助 · 特殊医疗救助 · 双随机检查 · 行政处罚)</small></h1>
<form id="login">
  <input name="username" placeholder="用户名" required>
  <input name="password" type="password" placeholder="密码" required>
  <button>登录</button>
</form>
<p id="error"></p>
<section id="content" hidden>
  <h2>在办案件（按流程与环节）</h2>
  <table><thead><tr><th>流程</th><th>环节</th><th>在办</th><th>超期</th></tr></thead><tbody id="stats"></tbody></table>
  <h2>超期案件</h2>
  <table><thead><tr><th>案件</th><th>流程</th><th>环节</th><th>到期时间</th></tr></thead><tbody id="overdue"></tbody></table>
</section>
<script>
const TYPES = { 'relief-application': '医疗救助申请', 'hardship-hearing': '特殊医疗救助评审', inspection: '双随机检查', 'penalty-case': '行政处罚' };
const api = (path) => fetch('/api/v1' + path, { headers: { authorization: 'Bearer ' + sessionStorage.getItem('token') } })
  .then((r) => { if (!r.ok) { throw new Error(r.status + ' ' + r.statusText); } return r.json(); });
const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) { td.className = cls; } return td; };
async function labels(type) {
  try { const w = await api('/workflows/' + type); return Object.fromEntries(w.states.map((s) => [s.name, s.label || s.name])); }
  catch { return {}; }
}
async function load() {
  const stats = await api('/cases/stats');
  const names = {};
  for (const t of new Set(stats.map((s) => s.type))) { names[t] = await labels(t); }
  const body = document.getElementById('stats'); body.replaceChildren();
  for (const s of stats) {
    const tr = document.createElement('tr');
    tr.append(cell(TYPES[s.type] || s.type), cell((names[s.type] || {})[s.state] || s.state), cell(s.open, 'num'), cell(s.overdue, s.overdue ? 'num overdue' : 'num'));
    body.append(tr);
  }
  const overdue = await api('/cases?overdue=true&status=active&pageSize=100');
  const list = document.getElementById('overdue'); list.replaceChildren();
  for (const c of overdue.items) {
    const tr = document.createElement('tr');
    const link = document.createElement('a'); link.href = '/api/v1/cases/' + c.id; link.textContent = c.id.slice(0, 8);
    const first = document.createElement('td'); first.append(link);
    const due = (c.deadlines.find((d) => d.overdue) || {}).dueAt || '';
    tr.append(first, cell(TYPES[c.type] || c.type), cell((names[c.type] || {})[c.state] || c.state), cell(due.replace('T', ' ').slice(0, 16), 'overdue'));
    list.append(tr);
  }
  document.getElementById('content').hidden = false;
}
document.getElementById('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const res = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }) });
  if (!res.ok) { document.getElementById('error').textContent = '登录失败'; return; }
  sessionStorage.setItem('token', (await res.json()).accessToken);
  document.getElementById('error').textContent = '';
  load().catch((err) => { document.getElementById('error').textContent = String(err); });
});
if (sessionStorage.getItem('token')) { load().catch(() => sessionStorage.removeItem('token')); }
</script>
</body>
</html>
`;
