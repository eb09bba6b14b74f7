/* The day's panel beside the map: its events, the sources' advice, the trends and the
 * coverage (dashboard/daypanel.py, trends.py and coverage.py write it as HTML, every text from
 * the data escaped there).
 *
 * Mounted by Streamlit as a component (st.components.v2): `component.data.html` is the panel
 * of the shown day. The page puts it in place as it is, with no sanitiser of its own to run
 * over a long day's events on every step; a render with the same panel changes nothing, so
 * an opened "Sources" or "Coverage" stays open.
 */
export default function (component) {
  var root = component.parentElement;
  var holder = root.querySelector('.kz-panel-holder');
  if (!holder) {
    holder = document.createElement('div');
    holder.className = 'kz-panel-holder';
    holder.setAttribute('data-testid', 'kz-day-panel');
    root.appendChild(holder);
  }
  var html = (component.data && component.data.html) || '';
  if (holder.__kzHtml !== html) {
    holder.innerHTML = html;
    holder.__kzHtml = html;
  }
}
