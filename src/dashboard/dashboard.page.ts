/**
 * The managers' page (业务督办看板): one HTML document, its stylesheet and script, talking to the
 * API with the signed-in user's own token (the same accounts as the API). Chinese labels; the
 * chart is Chart.js served from node_modules (no CDN: the bureau's machines have no internet).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>业务看板 · 医疗保障局</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script src="/dashboard/assets/chart.umd.min.js" defer></script>
<script src="/dashboard/assets/dashboard.js" defer></script>
</head>
<body>
<header>
  <h1>医疗保障局 · 业务看板（超期督办）</h1>
  <nav id="session" hidden>
    <span id="who"></span>
    <a href="#" id="queues-link">队列监控</a>
    <a href="#" id="logout">退出</a>
  </nav>
</header>
<main>
<form id="login" class="card">
  <h2>登录</h2>
  <label>用户名 <input name="username" autocomplete="username" required></label>
  <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">登录</button>
</form>
<p id="error" role="alert"></p>

<section id="case-view" hidden>
  <p><a href="#" id="back">← 返回看板</a></p>
  <div class="card" id="case-detail"></div>
</section>

<section id="content" hidden>
  <form id="filters" class="toolbar">
    <label>流程 <select name="type" id="type-filter"><option value="">全部流程</option></select></label>
    <label>统计区间 <input type="date" name="from" id="from"> 至 <input type="date" name="to" id="to"></label>
    <button type="submit">刷新</button>
    <span class="exports">导出：
      <a href="#" data-export="/sla/summary" data-format="xlsx">汇总 Excel</a>
      <a href="#" data-export="/sla/summary" data-format="csv">汇总 CSV</a>
      <a href="#" data-export="/sla/overdue" data-format="xlsx">超期清单 Excel</a>
      <a href="#" data-export="/sla/relief-indicators" data-format="xlsx">救助指标 Excel</a>
    </span>
  </form>

  <div class="kpis">
    <div class="kpi"><span>在办案件</span><strong id="kpi-open">–</strong></div>
    <div class="kpi alert"><span>超期在办</span><strong id="kpi-overdue">–</strong></div>
    <div class="kpi"><span>区间办结</span><strong id="kpi-closed">–</strong></div>
    <div class="kpi"><span>办结超期率</span><strong id="kpi-breach">–</strong></div>
    <div class="kpi"><span>办结用时中位数</span><strong id="kpi-p50">–</strong></div>
  </div>

  <div class="grid">
    <section class="card">
      <h2>在办与超期（按流程与环节）</h2>
      <table id="states-table"><thead><tr><th>流程</th><th>环节</th><th class="num">在办</th><th class="num">超期</th><th class="num">区间办结</th><th class="num">超期率</th><th class="num">用时中位数</th><th class="num">用时P90</th></tr></thead><tbody id="states"></tbody></table>
    </section>
    <section class="card">
      <h2>各环节办理用时（区间内办结）</h2>
      <div class="chart"><canvas id="durations-chart" aria-label="各环节办理用时图"></canvas></div>
      <p class="hint">暂停计时的环节（如待补正材料）显示申请人所用时间，不计入办结用时。</p>
    </section>
  </div>

  <section class="card">
    <h2>超期案件（超期最久在前）<small id="overdue-total"></small></h2>
    <table><thead><tr><th>案件编号</th><th>流程</th><th>环节</th><th>街道</th><th>经办人</th><th>到期时间</th><th class="num">已超期</th></tr></thead><tbody id="overdue-list"></tbody></table>
  </section>

  <div class="grid">
    <section class="card">
      <h2>各街道情况 <small id="indicator-year"></small></h2>
      <table><thead><tr><th>街道</th><th class="num">在办</th><th class="num">超期</th><th class="num">区间办结</th><th class="num">超期率</th><th class="num">救助人次</th><th class="num">综合保障率</th><th class="num">个人负担率</th></tr></thead><tbody id="streets"></tbody></table>
      <p class="hint" id="goals"></p>
    </section>
    <section class="card">
      <h2>经办人</h2>
      <table><thead><tr><th>经办人</th><th class="num">在办</th><th class="num">超期</th><th class="num">区间办结</th><th class="num">超期率</th><th class="num">平均用时</th></tr></thead><tbody id="assignees"></tbody></table>
    </section>
  </div>

  <section class="card">
    <h2>我的通知 <small id="unread"></small></h2>
    <ul id="notifications"></ul>
  </section>
</section>
</main>
</body>
</html>
`;

export const DASHBOARD_CSS = `
[hidden] { display: none !important; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; margin: 0; color: #1f2933; background: #f4f6f8; }
header { display: flex; align-items: center; justify-content: space-between; background: #0b4f8a; color: #fff; padding: .6rem 1.5rem; }
header h1 { font-size: 1.2rem; margin: 0; } header nav a, header nav span { color: #fff; margin-left: 1rem; }
main { padding: 1rem 1.5rem; } h2 { font-size: 1rem; margin: 0 0 .6rem; } h2 small { color: #52606d; font-weight: normal; margin-left: .5rem; }
.card { background: #fff; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.08); padding: 1rem; margin-bottom: 1rem; overflow-x: auto; }
#login { max-width: 22rem; display: flex; flex-direction: column; gap: .6rem; } #login label { display: flex; flex-direction: column; }
.toolbar { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin-bottom: 1rem; } .exports a { margin-left: .5rem; }
.kpis { display: grid; grid-template-columns: repeat(5, 1fr); gap: 1rem; margin-bottom: 1rem; }
.kpi { background: #fff; border-radius: 6px; padding: .8rem 1rem; box-shadow: 0 1px 2px rgba(0,0,0,.08); display: flex; flex-direction: column; }
.kpi span { color: #52606d; font-size: .85rem; } .kpi strong { font-size: 1.6rem; } .kpi.alert strong { color: #b91c1c; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } @media (max-width: 1100px) { .grid, .kpis { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-size: .9rem; } th, td { border-bottom: 1px solid #e4e7eb; padding: .35rem .5rem; text-align: left; white-space: nowrap; }
th { color: #52606d; font-weight: 600; } .num { text-align: right; } .late { color: #b91c1c; font-weight: 600; } .ok { color: #047857; }
.chart { position: relative; height: 22rem; } .hint { color: #7b8794; font-size: .8rem; } #error { color: #b91c1c; }
#notifications { list-style: none; padding: 0; margin: 0; } #notifications li { padding: .4rem 0; border-bottom: 1px solid #e4e7eb; } #notifications li.unread { font-weight: 600; }
dl { display: grid; grid-template-columns: 8rem 1fr; gap: .3rem 1rem; } dt { color: #52606d; }
`;
