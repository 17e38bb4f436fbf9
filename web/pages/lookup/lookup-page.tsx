import { FileAddOutlined, PhoneOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Empty, Flex, Input, type InputRef, Row, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { useCan } from '../../app/auth';
import { ProjectSelect, useDebounced } from '../../app/components/pickers';
import { PlateTags, RelationTag, UnitStatusTag } from '../../app/components/tags';
import { keys, useProjects } from '../../app/data';
import { formatArea } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { LookupHit } from '../../app/types';

/** Below this a keystroke would match half the estate; Enter still searches a single character. */
const MIN_AUTO_CHARS = 2;

function HitCard({ hit, onOpen, onIntake }: { hit: LookupHit; onOpen(): void; onIntake?: () => void }) {
  const t = useT();
  const { unit, occupants } = hit;
  return (
    <Card
      className="lookup-hit"
      size="small"
      data-testid="lookup-hit"
      tabIndex={0}
      onClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen();
      }}
      title={
        <Flex align="baseline" gap={8} wrap>
          <span className="unit-number">{unit.number}</span>
          <Typography.Text type="secondary">{unit.projectName}</Typography.Text>
        </Flex>
      }
      extra={<Tag color="processing">{t('lookup.matchedBy', { by: t(`matchedBy.${hit.matchedBy}`) })}</Tag>}
    >
      <Flex gap={12} wrap style={{ marginBottom: 6 }}>
        <Typography.Text>{formatArea(unit.area)}</Typography.Text>
        <UnitStatusTag status={unit.status} />
      </Flex>
      {occupants.length === 0 ? (
        <Typography.Text type="secondary">{t('lookup.noOccupants')}</Typography.Text>
      ) : (
        occupants.map((o) => (
          <div className="occupant-line" key={o.occupancyId}>
            <Link to={`/people/${o.personId}`} onClick={(e) => e.stopPropagation()}>
              {o.name}
            </Link>
            <RelationTag relation={o.relation} />
            {o.phone ? (
              <span className="phone">
                <PhoneOutlined /> {o.phone}
              </span>
            ) : null}
            <PlateTags plates={o.plates} />
          </div>
        ))
      )}
      {onIntake ? (
        <Button
          size="small"
          icon={<FileAddOutlined />}
          className="hit-intake"
          data-testid="lookup-intake"
          onClick={(e) => {
            e.stopPropagation();
            onIntake();
          }}
          onKeyDown={(e) => e.stopPropagation()}
        >
          {t('intake.fromLookup')}
        </Button>
      ) : null}
    </Card>
  );
}

export default function LookupPage() {
  const t = useT();
  const can = useCan();
  const navigate = useNavigate();
  const projects = useProjects();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [submitted, setSubmitted] = useState(params.get('q') ?? '');
  const projectId = params.get('projectId') ?? undefined;
  const inputRef = useRef<InputRef>(null);

  const debounced = useDebounced(text.trim(), 300);
  useEffect(() => {
    if (debounced.length >= MIN_AUTO_CHARS || debounced === '') setSubmitted(debounced);
  }, [debounced]);

  // The query is kept in the address so that "back" from a unit returns to the same results.
  useEffect(() => {
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (submitted) next.set('q', submitted);
        else next.delete('q');
        return next;
      },
      { replace: true },
    );
  }, [submitted, setParams]);

  const result = useQuery({
    queryKey: keys.lookup(submitted, projectId),
    queryFn: () => api.get<{ items: LookupHit[] }>('/api/lookup', { q: submitted, projectId }),
    enabled: submitted.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });

  const setProject = (id: string | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (id) next.set('projectId', id);
        else next.delete('projectId');
        return next;
      },
      { replace: true },
    );

  const hits = submitted ? (result.data?.items ?? []) : [];

  return (
    <div>
      <Flex className="page-header" justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('lookup.title')}
        </Typography.Title>
        {can('directory.write') ? (
          <Button icon={<PlusOutlined />} onClick={() => navigate('/people/new')}>
            {t('person.new')}
          </Button>
        ) : null}
      </Flex>
      <Flex className="lookup-box" gap={8} wrap>
        <Input
          ref={inputRef}
          size="large"
          autoFocus
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('lookup.placeholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onPressEnter={() => setSubmitted(text.trim())}
          data-testid="lookup-input"
          style={{ flex: '1 1 360px' }}
          aria-label={t('lookup.placeholder')}
        />
        {(projects.data?.length ?? 0) > 1 ? (
          <ProjectSelect value={projectId} onChange={setProject} emptyOption={t('common.allProjects')} style={{ width: 200 }} />
        ) : null}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('lookup.hint')}
      </Typography.Paragraph>

      {result.isError ? <Alert type="error" showIcon title={errorText(result.error, t)} /> : null}

      {submitted && result.isPending ? (
        <Skeleton active />
      ) : submitted && !result.isError && hits.length === 0 ? (
        <Empty description={t('lookup.noResult', { q: submitted })} />
      ) : (
        <>
          {submitted && hits.length > 0 ? (
            <Typography.Paragraph type="secondary" data-testid="lookup-count">
              {t('lookup.count', { n: hits.length })}
            </Typography.Paragraph>
          ) : null}
          <Row gutter={[12, 12]} style={{ opacity: result.isPlaceholderData ? 0.6 : 1 }}>
            {hits.map((h) => (
              <Col key={h.unit.id} xs={24} md={12} xl={8}>
                <HitCard
                  hit={h}
                  onOpen={() => navigate(`/units/${h.unit.id}`)}
                  onIntake={can('request.create') ? () => navigate(`/intake?unitId=${h.unit.id}`) : undefined}
                />
              </Col>
            ))}
          </Row>
        </>
      )}
    </div>
  );
}
