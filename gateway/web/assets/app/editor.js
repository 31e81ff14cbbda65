// The section editor's autosave (progressive enhancement: without it, Save works the same).
// A moment after the person stops typing, the draft is posted to the form's data-autosave
// address with the revision the form holds; the answer's revision becomes the form's, so the
// next save builds on it. If someone else saved first (409), the form is sent the ordinary way
// and the page that comes back shows their version beside this one.
const form = document.querySelector('form[data-autosave]')
if (form) {
  const status = document.getElementById('save-status')
  const revision = form.querySelector('input[name="based_on_revision"]')
  const content = form.querySelector('textarea[name="content"]')
  let timer = null
  let pending = null
  let lastSaved = content.value

  const say = (text) => { if (status) status.textContent = text }

  const save = () => {
    timer = null
    if (content.value === lastSaved || content.value.trim() === '') return Promise.resolve()
    const body = new URLSearchParams()
    body.set('csrf_token', form.querySelector('input[name="csrf_token"]').value)
    body.set('based_on_revision', revision.value)
    body.set('content', content.value)
    const sent = content.value
    say('Saving your draft…')
    pending = fetch(form.dataset.autosave, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      credentials: 'same-origin'
    }).then(async (response) => {
      const answer = await response.json().catch(() => ({}))
      if (response.ok) {
        revision.value = String(answer.revision)
        lastSaved = sent
        const time = new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
        say('Draft saved at ' + time + '.')
      } else if (response.status === 409) {
        say('Someone else has saved this section. Showing their version beside yours…')
        form.dataset.conflict = 'yes'
        form.submit()
      } else {
        say('Your draft is not saved yet: ' + (answer.message || 'the service did not answer') + ' Press Save draft to try again.')
      }
    }).catch(() => {
      say('Your draft is not saved yet: the service could not be reached. Press Save draft to try again.')
    }).finally(() => { pending = null })
    return pending
  }

  content.addEventListener('input', () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(save, 1500)
  })

  // A save already on its way finishes first, so pressing Save builds on it rather than
  // conflicting with the person's own draft.
  form.addEventListener('submit', (event) => {
    if (form.dataset.conflict === 'yes') return
    if (timer) { clearTimeout(timer); timer = null }
    if (pending) {
      event.preventDefault()
      const intent = event.submitter ? event.submitter.value : 'save'
      pending.then(() => {
        const hidden = document.createElement('input')
        hidden.type = 'hidden'
        hidden.name = 'intent'
        hidden.value = intent
        form.appendChild(hidden)
        form.dataset.conflict = 'yes'
        form.submit()
      })
    }
  })
}
