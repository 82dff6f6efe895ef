/**
 * Display of an {@link Attachment} (caption, a collapsible field table and
 * the image) and of a lone {@link Thumbnail}.
 */
import { ATTACHMENT_FIELDS, type Attachment } from "../model/attachment";
import { Thumbnail } from "../values/thumbnail";
import { html, type Html } from "./escape";
import { flagsHtml } from "./icons";
import { ALIGN_LEFT, DIM_TEXT } from "./inline-style";
import type { MimeBundle } from "./mime-bundle";
import { ATTACHMENT_STYLE, THUMBNAIL_STYLE } from "./styles";
import { oneLine, valueHtml, valueText } from "./values";

/** The fields shown as rows: all but the caption (the heading) and the thumbnail (the image), by name. */
const ROW_FIELDS = ATTACHMENT_FIELDS.filter((f) => f.name !== "caption" && f.name !== "thumbnail").sort((a, b) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
);

/** One attachment field as the table shows it. */
interface AttachmentRow {
  readonly name: string;
  /** `string` for required fields, `string[] | null` etc. for the others, as the property is typed. */
  readonly type: string;
  readonly value: unknown;
  readonly readOnly: boolean;
}

function rowsOf(attachment: Attachment): AttachmentRow[] {
  const values = attachment as unknown as Readonly<Record<string, unknown>>;
  return ROW_FIELDS.map((f) => ({
    name: f.name,
    type: f.required ? f.type : `${f.type} | null`,
    value: values[f.name] ?? null,
    readOnly: f.readOnly,
  }));
}

function rowHtml(row: AttachmentRow): Html {
  // Attachments show no required stars: the only required fields are the caption and the owner group.
  return html`<tr class="cean-field"><td class="cean-field-flag"${ALIGN_LEFT}>${flagsHtml({ readOnly: row.readOnly, required: false })}</td><td class="cean-field-name"${ALIGN_LEFT}>${row.name}</td><td class="cean-field-type"${ALIGN_LEFT}>${row.type}</td><td class="cean-field-value"${ALIGN_LEFT}>${valueHtml(row.value)}</td></tr>`;
}

/**
 * An `<img>` of the thumbnail with a data URL. An image without MIME type
 * has no usable data URL, so it is described in words instead.
 */
function imageHtml(thumbnail: Thumbnail, alt: string): Html {
  if (thumbnail.mime === null) {
    return html`<span class="cean-empty"${DIM_TEXT}>image of unknown type</span>`;
  }
  return html`<img class="cean-thumbnail-image" src="${thumbnail.serialize()}" alt="${alt}">`;
}

/** The HTML display of an attachment. */
export function attachmentHtml(attachment: Attachment): string {
  const caption = attachment.caption;
  const heading = caption === null || caption === "" ? html`<span class="cean-empty"${DIM_TEXT}>no caption</span>` : valueHtml(caption);
  // A thumbnail SciCat sent in a form that could not be read is kept as it came: shown as a value, not an image.
  const thumbnail: unknown = attachment.thumbnail;
  const image =
    thumbnail === null ? null : thumbnail instanceof Thumbnail ? imageHtml(thumbnail, valueText(caption)) : valueHtml(thumbnail);
  return html`<div class="cean-repr cean-attachment-repr">${ATTACHMENT_STYLE}<div class="cean-attachment"><div class="cean-attachment-info"><div class="cean-info-line">${heading}</div><details class="cean-section cean-attachment-details"><summary>Fields</summary><table class="cean-table cean-attachment-table"><colgroup><col class="cean-col-flag"><col class="cean-col-name"><col class="cean-col-type"><col class="cean-col-attachment-value"></colgroup><thead><tr class="cean-header"><th class="cean-field-flag"${ALIGN_LEFT}></th><th class="cean-field-name"${ALIGN_LEFT}>Name</th><th class="cean-field-type"${ALIGN_LEFT}>Type</th><th class="cean-field-value"${ALIGN_LEFT}>Value</th></tr></thead><tbody>${rowsOf(attachment).map(rowHtml)}</tbody></table></details></div><div class="cean-thumbnail">${image}</div></div></div>`
    .markup;
}

/** `Attachment 'caption'`, then `name: value` for every field holding a value, and the thumbnail. */
export function attachmentText(attachment: Attachment): string {
  const lines = [`Attachment ${attachment.caption === null ? "(no caption)" : `'${oneLine(valueText(attachment.caption))}'`}`];
  for (const row of rowsOf(attachment)) {
    if (row.value !== null) lines.push(`  ${row.name}: ${oneLine(valueText(row.value))}`);
  }
  if (attachment.thumbnail !== null) lines.push(`  thumbnail: ${oneLine(valueText(attachment.thumbnail))}`);
  return lines.join("\n");
}

/** The MIME bundle of an attachment. */
export function renderAttachment(attachment: Attachment): MimeBundle {
  return { "text/html": attachmentHtml(attachment), "text/plain": attachmentText(attachment) };
}

/** The HTML display of a lone thumbnail: the image itself. */
export function thumbnailHtml(thumbnail: Thumbnail): string {
  return html`<div class="cean-repr cean-thumbnail-repr">${THUMBNAIL_STYLE}${imageHtml(thumbnail, `Thumbnail (${thumbnail.mime ?? "unknown type"})`)}</div>`
    .markup;
}

/** `Thumbnail(image/png, len:100B)` */
export function thumbnailText(thumbnail: Thumbnail): string {
  return thumbnail.toString();
}

/** The MIME bundle of a thumbnail. */
export function renderThumbnail(thumbnail: Thumbnail): MimeBundle {
  return { "text/html": thumbnailHtml(thumbnail), "text/plain": thumbnailText(thumbnail) };
}
