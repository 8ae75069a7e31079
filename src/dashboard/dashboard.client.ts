/**
 * The dashboard's browser script (plain ES2020, no build step): signs in with the API's own
 * login, then reads GET /api/v1/sla/summary, /sla/overdue, /sla/relief-indicators, the case view
 * and the inbox with the user's token. Every figure on the page is the API's figure.
 */
export const DASHBOARD_JS = String.raw`'use strict';
(function () {
  const TOKEN = 'yibao-token';
  const $ = (id) => document.getElementById(id);
  const token = () => sessionStorage.getItem(TOKEN);
  const pct = (share) => (share === null || share === undefined ? '–' : (Number(share) * 100).toFixed(1) + '%');
  const dur = (ms) => {
    if (ms === null || ms === undefined) { return '–'; }
    const s = Math.round(ms / 1000);
    if (s < 60) { return s + '秒'; }
    if (s < 3600) { return Math.round(s / 60) + '分钟'; }
    if (s < 86400) { return (s / 3600).toFixed(1) + '小时'; }
    return (s / 86400).toFixed(1) + '天';
  };
  const time = (iso) => new Date(new Date(iso).getTime() + 8 * 3600000).toISOString().slice(0, 16).replace('T', ' ');
  const today = () => new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const daysBefore = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') - n * 86400000).toISOString().slice(0, 10);

  async function api(path, options) {
    const res = await fetch('/api/v1' + path, Object.assign({}, options, {
      headers: Object.assign({ authorization: 'Bearer ' + token() }, (options && options.headers) || {}),
    }));
    if (res.status === 401) { logout(); throw new Error('登录已过期，请重新登录'); }
    if (res.status === 403) { throw new Error('当前账号无权查看（需管理员、科长或审计角色）'); }
    if (!res.ok) { throw new Error('请求失败：' + res.status); }
    return res;
  }
  const json = async (path) => (await api(path)).json();

  function cell(text, cls) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '–' : String(text);
    if (cls) { td.className = cls; }
    return td;
  }
  function row(cells, attrs) {
    const tr = document.createElement('tr');
    for (const c of cells) { tr.append(c); }
    for (const [k, v] of Object.entries(attrs || {})) { tr.setAttribute(k, v); }
    return tr;
  }
  function showError(e) { $('error').textContent = e ? String(e.message || e) : ''; }

  let chart;
  let labels = {};

  function query() {
    const q = new URLSearchParams();
    const type = $('type-filter').value;
    if (type) { q.set('type', type); }
    q.set('from', $('from').value);
    q.set('to', $('to').value);
    return q;
  }

  async function loadSummary() {
    const q = query();
    const s = await json('/sla/summary?' + q);
    $('kpi-open').textContent = s.totals.open;
    $('kpi-overdue').textContent = s.totals.overdue;
    $('kpi-closed').textContent = s.totals.closedInRange;
    $('kpi-breach').textContent = pct(s.totals.breachRate);
    $('kpi-p50').textContent = dur(s.totals.durationP50Ms);
    labels = {};
    for (const w of s.byWorkflow) { labels[w.type] = w.label; }
    const select = $('type-filter');
    if (select.options.length === 1) {
      for (const w of s.byWorkflow) { select.append(new Option(w.label, w.type)); }
    }
    const states = $('states');
    states.replaceChildren();
    for (const r of s.byState) {
      states.append(row([
        cell(labels[r.type] || r.type), cell(r.label + (r.pausesSla ? '（暂停计时）' : '')),
        cell(r.open, 'num'), cell(r.overdue, r.overdue > 0 ? 'num late' : 'num'), cell(r.closedInRange, 'num'),
        cell(pct(r.breachRate), 'num'), cell(dur(r.durationP50Ms), 'num'), cell(dur(r.durationP90Ms), 'num'),
      ], { 'data-type': r.type, 'data-state': r.state }));
    }
    const finished = s.byState.filter((r) => r.closedInRange > 0);
    const longest = Math.max(0, ...finished.map((r) => r.durationP90Ms || 0));
    const [unit, size] = longest >= 2 * 86400000 ? ['天', 86400000] : longest >= 2 * 3600000 ? ['小时', 3600000] : longest >= 120000 ? ['分钟', 60000] : ['秒', 1000];
    const hours = (ms) => (ms === null ? null : Math.round((ms / size) * 100) / 100);
    if (window.Chart) {
      if (chart) { chart.destroy(); }
      chart = new window.Chart($('durations-chart'), {
        type: 'bar',
        data: {
          labels: finished.map((r) => (labels[r.type] || r.type) + '·' + r.label),
          datasets: [
            { label: '用时中位数（' + unit + '）', data: finished.map((r) => hours(r.durationP50Ms)), backgroundColor: '#2f80ed' },
            { label: '用时P90（' + unit + '）', data: finished.map((r) => hours(r.durationP90Ms)), backgroundColor: '#f2994a' },
          ],
        },
        options: { indexAxis: 'y', maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } },
      });
    }
    const assignees = $('assignees');
    assignees.replaceChildren();
    for (const a of s.byAssignee) {
      assignees.append(row([
        cell(a.assigneeId ? a.displayName || a.assigneeId.slice(0, 8) : '（未分派）'), cell(a.open, 'num'),
        cell(a.overdue, a.overdue > 0 ? 'num late' : 'num'), cell(a.closedInRange, 'num'),
        cell(pct(a.breachRate), 'num'), cell(dur(a.durationMeanMs), 'num'),
      ]));
    }
    return s;
  }

  async function loadStreets(summary) {
    const year = Number(($('to').value || today()).slice(0, 4));
    const ind = await json('/sla/relief-indicators?year=' + year);
    $('indicator-year').textContent = year + '年救助指标';
    $('goals').textContent = '目标：综合保障率 ≥ ' + pct(ind.goals.coverageGoal) + '，个人负担率 ≤ ' + pct(ind.goals.burdenGoal) + '（seed 002）';
    const byStreet = new Map(ind.streets.map((r) => [r.streetCode, r]));
    const codes = new Set(summary.byStreet.map((r) => r.streetCode).concat(ind.streets.map((r) => r.streetCode)));
    const body = $('streets');
    body.replaceChildren();
    for (const code of codes) {
      const f = summary.byStreet.find((r) => r.streetCode === code) || {};
      const i = byStreet.get(code) || {};
      body.append(row([
        cell(code === null ? '（区级）' : code), cell(f.open, 'num'), cell(f.overdue, f.overdue > 0 ? 'num late' : 'num'),
        cell(f.closedInRange, 'num'), cell(pct(f.breachRate), 'num'), cell(i.cases, 'num'),
        cell(pct(i.coverageRate), i.meetsCoverageGoal === false ? 'num late' : 'num ok'),
        cell(pct(i.burdenRate), i.meetsBurdenGoal === false ? 'num late' : 'num ok'),
      ], { 'data-street': code === null ? '' : code }));
    }
  }

  async function loadOverdue() {
    const type = $('type-filter').value;
    const page = await json('/sla/overdue?pageSize=100' + (type ? '&type=' + encodeURIComponent(type) : ''));
    $('overdue-total').textContent = '共 ' + page.total + ' 件';
    const body = $('overdue-list');
    body.replaceChildren();
    for (const c of page.items) {
      const link = document.createElement('a');
      link.href = '#case=' + c.caseId;
      link.textContent = c.caseId.slice(0, 8);
      const first = document.createElement('td');
      first.append(link);
      body.append(row([
        first, cell(c.typeLabel), cell(c.stateLabel), cell(c.streetCode || '–'), cell(c.assigneeName || '未分派'),
        cell(time(c.dueAt)), cell(dur(c.overdueMs), 'num late'),
      ], { 'data-case-id': c.caseId }));
    }
  }

  async function loadNotifications() {
    const inbox = await json('/notifications?pageSize=10');
    $('unread').textContent = '未读 ' + inbox.unread;
    const list = $('notifications');
    list.replaceChildren();
    for (const n of inbox.items) {
      const li = document.createElement('li');
      li.className = n.readAt ? '' : 'unread';
      li.textContent = time(n.createdAt) + ' ' + n.title + ' ';
      if (n.caseId) {
        const a = document.createElement('a');
        a.href = '#case=' + n.caseId;
        a.textContent = '查看';
        a.addEventListener('click', () => { void api('/notifications/' + n.id + '/read', { method: 'POST' }); });
        li.append(a);
      }
      list.append(li);
    }
  }

  async function showCase(id) {
    $('content').hidden = true;
    $('case-view').hidden = false;
    const [c, history, stages] = await Promise.all([
      json('/cases/' + id), json('/cases/' + id + '/history'), json('/sla/cases/' + id + '/records'),
    ]);
    const box = $('case-detail');
    box.replaceChildren();
    const h = document.createElement('h2');
    h.textContent = (labels[c.type] || c.type) + ' · ' + c.id;
    const dl = document.createElement('dl');
    const item = (k, v, cls) => {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = v; if (cls) { dd.className = cls; }
      dl.append(dt, dd);
    };
    const stateNames = Object.fromEntries(stages.map((r) => [r.state, r.stateLabel]));
    item('当前环节', stateNames[c.state] || c.state);
    item('状态', c.status === 'active' ? '在办' : '已办结');
    item('街道', c.streetCode || '–');
    item('经办人', c.assignee || '未分派');
    for (const d of c.deadlines) {
      item('期限 ' + (stateNames[d.name] || d.name), time(d.dueAt) + (d.overdue ? '（已超期）' : ''), d.overdue ? 'late' : '');
    }
    const sla = document.createElement('table');
    sla.id = 'stage-records';
    sla.innerHTML = '<thead><tr><th>环节</th><th>进入</th><th>时限</th><th>离开</th><th class="num">用时</th><th class="num">暂停</th><th>超期</th><th>经办人</th></tr></thead>';
    const slaBody = document.createElement('tbody');
    for (const r of stages) {
      slaBody.append(row([
        cell(r.stateLabel), cell(time(r.enteredAt)), cell(r.dueAt ? time(r.dueAt) : '–'), cell(r.leftAt ? time(r.leftAt) : '办理中'),
        cell(dur(r.durationMs), 'num'), cell(r.pausedMs ? dur(r.pausedMs) : '–', 'num'),
        cell(r.breached || r.overdue ? '是' : '否', r.breached || r.overdue ? 'late' : ''), cell(r.assigneeName || '–'),
      ]));
    }
    sla.append(slaBody);
    const table = document.createElement('table');
    table.innerHTML = '<thead><tr><th>#</th><th>事件</th><th>由</th><th>时间</th><th>环节</th></tr></thead>';
    const tbody = document.createElement('tbody');
    for (const e of history) {
      tbody.append(row([cell(e.seq), cell(e.type), cell(e.actor === 'system' ? '系统' : e.actor.slice(0, 8)), cell(time(e.at)), cell((e.from || '') + ' → ' + e.to)]));
    }
    table.append(tbody);
    const slaTitle = document.createElement('h2');
    slaTitle.textContent = '环节时限记录';
    const historyTitle = document.createElement('h2');
    historyTitle.textContent = '办理记录';
    box.append(h, dl, slaTitle, sla, historyTitle, table);
  }

  async function refresh() {
    showError();
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get('case')) {
      await showCase(hash.get('case'));
      return;
    }
    $('case-view').hidden = true;
    const summary = await loadSummary();
    await Promise.all([loadOverdue(), loadStreets(summary), loadNotifications()]);
    $('content').hidden = false;
    document.body.dataset.loaded = 'true';
  }

  function signedIn() {
    $('login').hidden = true;
    $('session').hidden = false;
    $('who').textContent = sessionStorage.getItem('yibao-user') || '';
    refresh().catch(showError);
  }
  function logout() {
    sessionStorage.removeItem(TOKEN);
    $('login').hidden = false;
    $('session').hidden = true;
    $('content').hidden = true;
    $('case-view').hidden = true;
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('to').value = today();
    $('from').value = daysBefore(today(), 29);
    $('login').addEventListener('submit', async (e) => {
      e.preventDefault();
      const form = new FormData(e.target);
      const res = await fetch('/api/v1/auth/login', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
      });
      if (!res.ok) { showError(new Error('用户名或密码错误')); return; }
      sessionStorage.setItem(TOKEN, (await res.json()).accessToken);
      sessionStorage.setItem('yibao-user', String(form.get('username')));
      signedIn();
    });
    $('filters').addEventListener('submit', (e) => { e.preventDefault(); refresh().catch(showError); });
    $('logout').addEventListener('click', (e) => { e.preventDefault(); logout(); });
    $('back').addEventListener('click', (e) => { e.preventDefault(); location.hash = ''; });
    $('queues-link').addEventListener('click', async (e) => {
      e.preventDefault();
      try {
        const res = await api('/admin/queues-session', { method: 'POST' });
        location.href = (await res.json()).url;
      } catch (err) { showError(new Error('队列监控仅限系统管理员')); }
    });
    for (const a of document.querySelectorAll('[data-export]')) {
      a.addEventListener('click', async (e) => {
        e.preventDefault();
        const q = a.dataset.export === '/sla/overdue' ? new URLSearchParams() : query();
        if (a.dataset.export === '/sla/relief-indicators') { q.delete('type'); q.delete('from'); q.delete('to'); q.set('year', $('to').value.slice(0, 4)); }
        q.set('format', a.dataset.format);
        try {
          const res = await api(a.dataset.export + '?' + q);
          const url = URL.createObjectURL(await res.blob());
          const link = document.createElement('a');
          link.href = url;
          link.download = (res.headers.get('content-disposition') || '').split('filename="')[1]?.replace('"', '') || 'export';
          link.click();
          URL.revokeObjectURL(url);
        } catch (err) { showError(err); }
      });
    }
    window.addEventListener('hashchange', () => { if (token()) { refresh().catch(showError); } });
    if (token()) { signedIn(); }
  });
})();
`;
