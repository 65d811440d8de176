// Charts drawn by Chart.js, served by the ui function from node_modules (/ui/vendor/, no CDN) and
// loaded on first use only, so the other views do not pay for it.
import { stepColour } from './palette.js';

let loading = null;

/** @returns {Promise<any>} the Chart constructor */
export function loadChartJs() {
  if (globalThis.Chart) return Promise.resolve(globalThis.Chart);
  loading ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = new URL('vendor/chart.umd.min.js', document.baseURI).toString();
    s.onload = () => resolve(globalThis.Chart);
    s.onerror = () => {
      loading = null;
      reject(new Error('the chart library could not be loaded'));
    };
    document.head.append(s);
  });
  return loading;
}

const TYPE_COLOURS = { missing_step: '#c42b2b', order_swap: '#7570b3', step_deviation: '#d95f02', over_time: '#2f6fde', rework: '#1b9e77' };

/**
 * A chart in canvas, named for screen readers by summary (the canvas itself says nothing).
 * @returns {Promise<{ destroy(): void }>}
 */
export async function drawChart(canvas, summary, config) {
  const Chart = await loadChartJs();
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', summary);
  return new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
}

export function passRateConfig(weeks) {
  return {
    type: 'line',
    data: { labels: weeks.map((w) => w.label), datasets: [{ label: 'Pass rate (%)', data: weeks.map((w) => w.passRate), borderColor: '#1b7f4b', backgroundColor: '#1b7f4b', tension: 0.2 }] },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } },
  };
}

export function deviationsConfig(steps, types) {
  return {
    type: 'bar',
    data: {
      labels: steps.map((st) => `${st.index + 1}. ${st.name}`),
      datasets: types.map((t) => ({ label: t.replace(/_/g, ' '), data: steps.map((st) => st.deviations[t] || 0), backgroundColor: TYPE_COLOURS[t] || '#6b6b6b' })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'deviations' } } } },
  };
}

export function durationsConfig(steps, palette) {
  return {
    type: 'bar',
    data: {
      labels: steps.map((st) => `${st.index + 1}. ${st.name}`),
      datasets: [
        { label: 'gold (s)', data: steps.map((st) => st.gold), backgroundColor: '#9aa3b2' },
        { label: 'median (s)', data: steps.map((st) => st.median), backgroundColor: steps.map((st) => stepColour(palette, st.index)) },
        { label: 'p90 (s)', data: steps.map((st) => st.p90), backgroundColor: '#17202e' },
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'seconds' } } } },
  };
}
