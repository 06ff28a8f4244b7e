/** A manifest as rendered: what reading job templates needs of it. */
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  [key: string]: any;
}

/** The ConfigMap name suffix of a job template (x-retool-component jobTemplate: <fullname>-<name>-job-template). */
export const JOB_TEMPLATE_SUFFIX = '-job-template';

/**
 * The Job of every job template in a render, named after its ConfigMap: the pods a controller of the release
 * creates at run time (the agent sandbox's), which Pod Security admits and the nodes must fit like any other
 * pod of the release, although no workload of the render holds them.
 */
export function jobTemplateJobs(objects: readonly Manifest[]): Manifest[] {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith(JOB_TEMPLATE_SUFFIX) && o.data && Object.keys(o.data).length === 1)
    .map((o) => {
      const job = JSON.parse(Object.values(o.data!)[0]) as Manifest;
      return { ...job, metadata: { ...job.metadata, name: o.metadata.name } };
    });
}
