/** Create on the left, the queue on the right (stacked on a phone). */
import { CreateForm } from './CreateForm.tsx';
import { QueuePanel } from './QueuePanel.tsx';

export function CreatePage() {
  return (
    <div className="create-page">
      <CreateForm />
      <QueuePanel />
    </div>
  );
}
