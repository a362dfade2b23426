/** The message area at the top of the page: recovery notices, storage warnings, refused link values. */
export type NoticeKind = 'info' | 'warning' | 'error';

export class Notices {
  readonly el: HTMLElement;
  constructor() {
    this.el = document.createElement('div');
    this.el.className = 'notices';
    this.el.setAttribute('role', 'status');
    this.el.setAttribute('aria-live', 'polite');
  }
  show(kind: NoticeKind, text: string, topic: string = kind): HTMLElement {
    const n = document.createElement('div');
    n.className = `notice notice-${kind}`;
    n.dataset.kind = kind;
    n.dataset.topic = topic;
    const span = document.createElement('span');
    span.textContent = text;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'notice-close';
    close.textContent = '×';
    close.title = 'Dismiss';
    close.onclick = () => n.remove();
    n.append(span, close);
    this.el.append(n);
    return n;
  }
  clear(topic?: string): void {
    for (const n of [...this.el.querySelectorAll<HTMLElement>('.notice')]) if (!topic || n.dataset.topic === topic) n.remove();
  }
}
