import { shortStageName } from '../../core/report';
import { classColor, type TaskPictures } from '../../core/tasks';
import { PictureView } from './PictureView';

/**
 * A few samples side by side across the run's stages (made in the worker by the stage models
 * themselves): what pruning and INT8 changed in the masks or boxes, next to the annotation.
 */
export function PicturesPanel({ pictures }: { pictures: TaskPictures }) {
  const legend = pictures.classNames
    .map((name, k) => ({ name, k }))
    .filter(({ k }) => !(pictures.background && k === 0));
  return (
    <section className="pictures-panel" aria-labelledby="pictures-title" data-testid="pictures">
      <h4 id="pictures-title" className="results-title">
        Predictions on {pictures.samples.length} samples
        <span className="muted small-text">
          {' '}
          ·{' '}
          {pictures.task === 'segmentation'
            ? 'classes over the image'
            : `boxes scoring ≥ ${pictures.minScore}`}
        </span>
      </h4>
      <ul className="chart-legend" aria-label="Classes">
        {legend.map(({ name, k }) => (
          <li key={k}>
            <i style={{ background: classColor(k, pictures.background) }} aria-hidden="true" /> {name}
          </li>
        ))}
      </ul>
      <div className="pictures-scroll">
        {pictures.samples.map((sample) => (
          <div className="picture-row" key={sample.path} data-testid="picture-row">
            {sample.truth && (
              <PictureView
                pictures={pictures}
                sample={sample}
                prediction={sample.truth}
                caption="annotation"
              />
            )}
            {sample.predictions.map((p, k) => (
              <PictureView
                key={pictures.stages[k].name}
                pictures={pictures}
                sample={sample}
                prediction={p}
                caption={shortStageName(pictures.stages[k].name)}
              />
            ))}
          </div>
        ))}
      </div>
    </section>
  );
}
