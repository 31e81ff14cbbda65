// Progressive enhancement only: every page works without this file. It marks the page as able
// to run GOV.UK Frontend's components and starts them (the details, tabs and header menus).
import { initAll } from '/assets/govuk-frontend/govuk-frontend.min.js'

document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
  initAll()
}
