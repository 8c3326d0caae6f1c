import type { TensorInfo } from '../../state';
import { formatShape } from '../format';

/** Graph inputs or outputs with dtype and shape (symbolic dims keep their names). */
export function TensorTable({
  title,
  tensors,
  testId,
}: {
  title: string;
  tensors: TensorInfo[];
  testId: string;
}) {
  return (
    <table className="data-table tensor-table" data-testid={testId}>
      <caption>{title}</caption>
      {/* Fixed column widths so the inputs and outputs tables line up. */}
      <colgroup>
        <col className="col-name" />
        <col className="col-type" />
        <col className="col-shape" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Shape</th>
        </tr>
      </thead>
      <tbody>
        {tensors.map((tensor) => (
          <tr key={tensor.name}>
            <th scope="row" className="mono">
              {tensor.name}
            </th>
            <td className="mono">{tensor.dtype}</td>
            <td className="mono" data-testid="shape">
              {formatShape(tensor.shape)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
