import { CameraOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Image, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import { errorText } from '../forms';
import { useT } from '../i18n';
import type { UploadedPhoto } from '../types';

/** The server's limits (files.ts), checked here too so a wrong file fails before it is sent. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);
// Several browsers report an empty type for HEIC photos from iPhones: the extension decides then.
const PHOTO_EXT = /\.(jpe?g|png|webp|heic|heif)$/i;
const ACCEPT = 'image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif';

export type PhotoFile = UploadFile<UploadedPhoto>;

export function isPhotoAcceptable(file: { type: string; name: string; size: number }): 'type' | 'size' | null {
  if (!(PHOTO_TYPES.has(file.type) || (!file.type && PHOTO_EXT.test(file.name)))) return 'type';
  if (file.size > MAX_PHOTO_BYTES) return 'size';
  return null;
}

/** Ids of the photos that finished uploading, for `photoIds`. */
export const uploadedIds = (files: PhotoFile[] | undefined) =>
  (files ?? []).filter((f) => f.status === 'done' && f.response).map((f) => (f.response as UploadedPhoto).id);

export const isUploading = (files: PhotoFile[] | undefined) => (files ?? []).some((f) => f.status === 'uploading');

/** Photos uploaded one by one as they are chosen; the form keeps the list and sends the ids. */
export function PhotoUpload({
  value,
  onChange,
  max = 9,
  camera = false,
  testId = 'photo-upload',
}: {
  value?: PhotoFile[];
  onChange?: (files: PhotoFile[]) => void;
  max?: number;
  /** On a phone: open the camera (any image type; the server converts). */
  camera?: boolean;
  testId?: string;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [preview, setPreview] = useState<string | null>(null);
  const files = value ?? [];
  return (
    <>
      <Upload<UploadedPhoto>
        listType="picture-card"
        accept={camera ? 'image/*' : ACCEPT}
        capture={camera ? 'environment' : undefined}
        multiple
        fileList={files}
        beforeUpload={(file) => {
          const bad = isPhotoAcceptable(file);
          if (bad) {
            message.error(t(bad === 'type' ? 'photo.badType' : 'photo.tooBig', { name: file.name }));
            return Upload.LIST_IGNORE;
          }
          return true;
        }}
        customRequest={async ({ file, onSuccess, onError }) => {
          try {
            onSuccess?.(await api.upload<UploadedPhoto>('/api/files', file as Blob));
          } catch (e) {
            message.error(errorText(e, t));
            onError?.(e as Error);
          }
        }}
        onChange={({ fileList }) =>
          onChange?.(fileList.slice(0, max).map((f) => (f.response ? { ...f, url: f.response.url, thumbUrl: f.response.thumbUrl } : f)))
        }
        onPreview={(f) => setPreview(f.url ?? f.thumbUrl ?? null)}
        data-testid={testId}
      >
        {files.length >= max ? null : (
          <button type="button" className="upload-button">
            {camera ? <CameraOutlined /> : <PlusOutlined />}
            <div>{t('photo.add')}</div>
          </button>
        )}
      </Upload>
      {preview ? (
        <Image
          style={{ display: 'none' }}
          src={preview}
          preview={{ src: preview, open: true, onOpenChange: (open) => !open && setPreview(null) }}
        />
      ) : null}
    </>
  );
}
