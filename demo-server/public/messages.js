// A link from a digest email (`/messages?conversation=<id>`) opens that conversation.
const wanted = new URL(location.href).searchParams.get('conversation');
if (wanted) {
  await customElements.whenDefined('chat-inbox');
  document.querySelector('chat-inbox')?.select(wanted);
}
