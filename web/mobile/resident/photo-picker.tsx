import { CameraOutlined, CloseOutlined, LoadingOutlined, PictureOutlined, WarningOutlined } from '@ant-design/icons';
import { App, Button, Flex, Image, Typography } from 'antd';
import { type ChangeEvent, useRef } from 'react';
import { api } from '../../app/api';
import { isPhotoAcceptable } from '../../app/components/photo-upload';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { UploadedPhoto } from '../../app/types';

export interface PickedPhoto {
  /** Local key while uploading; the file id once stored. */
  key: string;
  status: 'uploading' | 'done' | 'error';
  /** A local preview until the server's thumbnail exists. */
  preview: string;
  uploaded?: UploadedPhoto;
}

export const pickedIds = (photos: PickedPhoto[] | undefined) =>
  (photos ?? []).filter((p) => p.status === 'done' && p.uploaded).map((p) => (p.uploaded as UploadedPhoto).id);

export const stillUploading = (photos: PickedPhoto[] | undefined) => (photos ?? []).some((p) => p.status === 'uploading');

let seq = 0;

/**
 * Photos for a phone: one button opens the camera, the other the album; each photo is
 * uploaded as soon as it is chosen and shown as a thumbnail that can be removed.
 */
export function PhotoPicker({
  value,
  onChange,
  max = 9,
}: {
  value?: PickedPhoto[];
  onChange?: (photos: PickedPhoto[]) => void;
  max?: number;
}) {
  const t = useT();
  const { message } = App.useApp();
  const camera = useRef<HTMLInputElement>(null);
  const album = useRef<HTMLInputElement>(null);
  // Uploads finish after later renders: the latest list is kept here, not in the closure.
  const current = useRef<PickedPhoto[]>(value ?? []);
  current.current = value ?? [];
  const photos = value ?? [];

  const update = (next: PickedPhoto[]) => {
    current.current = next;
    onChange?.(next);
  };
  const patch = (key: string, fields: Partial<PickedPhoto>) =>
    update(current.current.map((p) => (p.key === key ? { ...p, ...fields } : p)));

  const add = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    const room = max - current.current.length;
    if (files.length > room) message.warning(t('residentApp.report.tooMany', { n: max }));
    const accepted: Array<{ file: File; photo: PickedPhoto }> = [];
    for (const file of files.slice(0, Math.max(0, room))) {
      const bad = isPhotoAcceptable(file);
      if (bad) {
        message.error(t(bad === 'type' ? 'photo.badType' : 'photo.tooBig', { name: file.name }));
        continue;
      }
      accepted.push({ file, photo: { key: `local-${seq++}`, status: 'uploading', preview: URL.createObjectURL(file) } });
    }
    if (!accepted.length) return;
    update([...current.current, ...accepted.map((a) => a.photo)]);
    for (const { file, photo } of accepted) {
      api
        .upload<UploadedPhoto>('/api/files', file)
        .then((uploaded) => {
          URL.revokeObjectURL(photo.preview);
          patch(photo.key, { status: 'done', uploaded, preview: uploaded.thumbUrl });
        })
        .catch((err) => {
          message.error(errorText(err, t));
          patch(photo.key, { status: 'error' });
        });
    }
  };

  const remove = (key: string) => {
    const gone = current.current.find((p) => p.key === key);
    if (gone?.preview.startsWith('blob:')) URL.revokeObjectURL(gone.preview);
    update(current.current.filter((p) => p.key !== key));
  };

  return (
    <div data-testid="photo-picker">
      <Image.PreviewGroup>
        <Flex wrap gap={8} className="ra-photos">
          {photos.map((p) => (
            <div key={p.key} className="ra-photo" data-testid="photo-thumb" data-status={p.status}>
              <Image
                src={p.uploaded?.thumbUrl ?? p.preview}
                preview={{ src: p.uploaded?.url ?? p.preview }}
                width={88}
                height={88}
                style={{ objectFit: 'cover', borderRadius: 6 }}
                alt=""
              />
              {p.status === 'uploading' ? (
                <div className="ra-photo-state">
                  <LoadingOutlined />
                </div>
              ) : p.status === 'error' ? (
                <div className="ra-photo-state ra-photo-error">
                  <WarningOutlined />
                </div>
              ) : null}
              <button
                type="button"
                className="ra-photo-remove"
                aria-label={t('residentApp.report.removePhoto')}
                onClick={() => remove(p.key)}
              >
                <CloseOutlined />
              </button>
            </div>
          ))}
        </Flex>
      </Image.PreviewGroup>
      {photos.length < max ? (
        <Flex gap={8} style={{ marginTop: photos.length ? 8 : 0 }}>
          <Button icon={<CameraOutlined />} onClick={() => camera.current?.click()} data-testid="photo-camera">
            {t('residentApp.report.takePhoto')}
          </Button>
          <Button icon={<PictureOutlined />} onClick={() => album.current?.click()} data-testid="photo-album">
            {t('residentApp.report.choosePhoto')}
          </Button>
        </Flex>
      ) : null}
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4, fontSize: 12 }}>
        {t('residentApp.report.photosHint', { n: max })}
      </Typography.Text>
      <input
        ref={camera}
        type="file"
        accept="image/*"
        capture="environment"
        style={{ display: 'none' }}
        onChange={add}
        data-testid="photo-camera-input"
      />
      <input ref={album} type="file" accept="image/*" multiple style={{ display: 'none' }} onChange={add} data-testid="photo-input" />
    </div>
  );
}
