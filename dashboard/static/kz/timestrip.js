/* The timeline strip under the day's controls (dashboard/timestrip.py draws it as SVG).
 *
 * Mounted by Streamlit as a component (st.components.v2): `component.data.svg` is the strip
 * for the shown day. A click on a day, or Enter or Space on a focused one, sends the day
 * (YYYY-MM-DD) as the trigger `day`; the server then moves the replay there. A column of a
 * long scenario holds several days (`data-days`): the day is the one under the pointer.
 */
export function dayAt(column, clientX) {
  var first = column.getAttribute('data-day');
  var count = parseInt(column.getAttribute('data-days'), 10) || 1;
  var k = 0;
  if (count > 1 && clientX !== null) {
    var hit = column.querySelector('.kz-strip-hit') || column;
    var box = hit.getBoundingClientRect();
    if (box.width > 0) {
      k = Math.floor((clientX - box.left) / box.width * count);
      k = Math.max(0, Math.min(count - 1, k));
    }
  }
  var day = new Date(first + 'T00:00:00Z');
  day.setUTCDate(day.getUTCDate() + k);
  return day.toISOString().slice(0, 10);
}

export default function (component) {
  var root = component.parentElement;
  var holder = root.querySelector('.kz-timestrip-holder');
  if (!holder) {
    holder = document.createElement('div');
    holder.className = 'kz-timestrip-holder';
    root.appendChild(holder);
  }
  var svg = (component.data && component.data.svg) || '';
  if (holder.__kzSvg !== svg) {  // the server's own markup, its data text escaped there
    holder.innerHTML = svg;
    holder.__kzSvg = svg;
  }
  holder.__kzSend = component.setTriggerValue;
  if (holder.__kzHeard) { return; }
  holder.__kzHeard = true;
  var send = function (column, clientX) {
    if (column && holder.__kzSend) { holder.__kzSend('day', dayAt(column, clientX)); }
  };
  holder.addEventListener('click', function (e) {
    var column = e.target && e.target.closest && e.target.closest('.kz-strip-col');
    send(column, e.clientX);
  });
  holder.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' && e.key !== ' ') { return; }
    var column = e.target && e.target.closest && e.target.closest('.kz-strip-col');
    if (column) {
      e.preventDefault();
      send(column, null);
    }
  });
}
