/** @jsxImportSource @kitajs/html */
/** A page that only says something: not found, bad request, an error. */
import { Layout } from './layout.tsx';

export function renderMessage(p: { title: string; text: string; loggedIn: boolean }): JSX.Element {
  return (
    <Layout title={p.title} section={null} loggedIn={p.loggedIn}>
      <div class="card empty">
        <h1 safe>{p.title}</h1>
        <p safe>{p.text}</p>
        <p>
          <a href="/">Back to the events</a>
        </p>
      </div>
    </Layout>
  );
}
