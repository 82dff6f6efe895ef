/**
 * A Jupyter MIME bundle of one object: its HTML and its plain text. The plain
 * text is what `console.log` prints and what front ends without HTML show.
 *
 * A type alias rather than an interface, so that it is assignable to
 * index-signature bundle types such as the display layer's.
 */
export type MimeBundle = {
  "text/html": string;
  "text/plain": string;
};
