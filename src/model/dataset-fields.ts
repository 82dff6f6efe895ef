import type { FieldSpec } from "./field-spec";

/**
 * The dataset field table of Scitacean 24.05 (SciCat API v3): one entry per
 * field, in `Dataset.fields()` order. Types, validation, JSON conversion, HTML
 * rows and widget inputs are all derived from this table, so a field is
 * added or changed here and nowhere else.
 *
 * Descriptions are SciCat's schema texts, shown in the HTML "Description" column.
 */
export const DATASET_FIELDS = [
  {
    name: "type",
    scicatName: "type",
    type: "DatasetType",
    required: true,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Characterize type of dataset, either 'raw' or 'derived'. Autofilled when choosing the proper inherited models.",
  },
  {
    name: "accessGroups",
    scicatName: "accessGroups",
    type: "string[]",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Optional additional groups which have read access to the data. Users which are members in one of the groups listed here are allowed to access this data. The special group 'public' makes data available to all users.",
  },
  {
    name: "apiVersion",
    scicatName: "version",
    type: "string",
    required: false,
    readOnly: true,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Version of the API used in creation of the dataset.",
  },
  {
    name: "classification",
    scicatName: "classification",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "ACIA information about AUthenticity,COnfidentiality,INtegrity and AVailability requirements of dataset. E.g. AV(ailabilty)=medium could trigger the creation of a two tape copies. Format 'AV=medium,CO=low'",
  },
  {
    name: "comment",
    scicatName: "comment",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Comment the user has about a given dataset.",
  },
  {
    name: "contactEmail",
    scicatName: "contactEmail",
    type: "string",
    required: true,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Email of the contact person for this dataset. The string may contain a list of emails, which should then be separated by semicolons.",
  },
  {
    name: "createdAt",
    scicatName: "createdAt",
    type: "Date",
    required: false,
    readOnly: true,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Date and time when this record was created. This property is added and maintained by mongoose.",
  },
  {
    name: "createdBy",
    scicatName: "createdBy",
    type: "string",
    required: false,
    readOnly: true,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Indicate the user who created this record. This property is added and maintained by the system.",
  },
  {
    name: "creationLocation",
    scicatName: "creationLocation",
    type: "string",
    required: true,
    readOnly: false,
    usedBy: { raw: true, derived: false },
    main: false,
    description:
      "Unique location identifier where data was taken, usually in the form /Site-name/facility-name/instrumentOrBeamline-name. This field is required if the dataset is a Raw dataset.",
  },
  {
    name: "creationTime",
    scicatName: "creationTime",
    type: "Date",
    required: true,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: true,
    description:
      "Time when dataset became fully available on disk, i.e. all containing files have been written. Format according to chapter 5.6 internet date/time format in RFC 3339. Local times without timezone/offset info are automatically transformed to UTC using the timezone of the API server.",
  },
  {
    name: "dataFormat",
    scicatName: "dataFormat",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: false },
    main: false,
    description:
      "Defines the format of the data files in this dataset, e.g Nexus Version x.y.",
  },
  {
    name: "dataQualityMetrics",
    scicatName: "dataQualityMetrics",
    type: "number",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Data Quality Metrics given by the user to rate the dataset.",
  },
  {
    name: "description",
    scicatName: "description",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: true,
    description:
      "Free text explanation of contents of dataset.",
  },
  {
    name: "endTime",
    scicatName: "endTime",
    type: "Date",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: false },
    main: false,
    description:
      "End time of data acquisition for this dataset, format according to chapter 5.6 internet date/time format in RFC 3339. Local times without timezone/offset info are automatically transformed to UTC using the timezone of the API server.",
  },
  {
    name: "inputDatasets",
    scicatName: "inputDatasets",
    type: "PID[]",
    required: true,
    readOnly: false,
    usedBy: { raw: false, derived: true },
    main: true,
    description:
      "Array of input dataset identifiers used in producing the derived dataset. Ideally these are the global identifier to existing datasets inside this or federated data catalogs. This field is required if the dataset is a Derived dataset.",
  },
  {
    name: "instrumentGroup",
    scicatName: "instrumentGroup",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Optional additional groups which have read and write access to the data. Users which are members in one of the groups listed here are allowed to access this data.",
  },
  {
    name: "instrumentId",
    scicatName: "instrumentId",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: false },
    main: false,
    description:
      "ID of the instrument where the data was created.",
  },
  {
    name: "investigator",
    scicatName: "investigator",
    type: "string",
    required: true,
    readOnly: false,
    usedBy: { raw: false, derived: true },
    main: false,
    description:
      "First name and last name of the person or people pursuing the data analysis. The string may contain a list of names, which should then be separated by semicolons.",
  },
  {
    name: "isPublished",
    scicatName: "isPublished",
    type: "boolean",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Flag is true when data are made publicly available.",
  },
  {
    name: "jobLogData",
    scicatName: "jobLogData",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: false, derived: true },
    main: false,
    description:
      "The output job logfile. Keep the size of this log data well below 15 MB.",
  },
  {
    name: "jobParameters",
    scicatName: "jobParameters",
    type: "Record<string, unknown>",
    required: false,
    readOnly: false,
    usedBy: { raw: false, derived: true },
    main: false,
    description:
      "The creation process of the derived data will usually depend on input job parameters. The full structure of these input parameters are stored here.",
  },
  {
    name: "keywords",
    scicatName: "keywords",
    type: "string[]",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Array of tags associated with the meaning or contents of this dataset. Values should ideally come from defined vocabularies, taxonomies, ontologies or knowledge graphs.",
  },
  {
    name: "license",
    scicatName: "license",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Name of the license under which the data can be used.",
  },
  {
    name: "lifecycle",
    scicatName: "datasetlifecycle",
    type: "Lifecycle",
    required: false,
    readOnly: true,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Describes the current status of the dataset during its lifetime with respect to the storage handling systems.",
  },
  {
    name: "name",
    scicatName: "datasetName",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: true,
    description:
      "A name for the dataset, given by the creator to carry some semantic meaning. Useful for display purposes e.g. instead of displaying the pid. Will be autofilled if missing using info from sourceFolder.",
  },
  {
    name: "orcidOfOwner",
    scicatName: "orcidOfOwner",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "ORCID of the owner or custodian. The string may contain a list of ORCIDs, which should then be separated by semicolons.",
  },
  {
    name: "owner",
    scicatName: "owner",
    type: "string",
    required: true,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Owner or custodian of the dataset, usually first name + last name. The string may contain a list of persons, which should then be separated by semicolons.",
  },
  {
    name: "ownerEmail",
    scicatName: "ownerEmail",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Email of the owner or custodian of the dataset. The string may contain a list of emails, which should then be separated by semicolons.",
  },
  {
    name: "ownerGroup",
    scicatName: "ownerGroup",
    type: "string",
    required: true,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Defines the group which owns the data, and therefore has unrestricted access to this data. Usually a pgroup like p12151",
  },
  {
    name: "pid",
    scicatName: "pid",
    type: "PID",
    required: false,
    readOnly: true,
    usedBy: { raw: true, derived: true },
    main: true,
    description:
      "Persistent Identifier for datasets derived from UUIDv4 and prepended automatically by site specific PID prefix like 20.500.12345/",
  },
  {
    name: "principalInvestigator",
    scicatName: "principalInvestigator",
    type: "string",
    required: true,
    readOnly: false,
    usedBy: { raw: true, derived: false },
    main: false,
    description:
      "First name and last name of principal investigator(s). If multiple PIs are present, use a semicolon separated list. This field is required if the dataset is a Raw dataset.",
  },
  {
    name: "proposalId",
    scicatName: "proposalId",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: false },
    main: true,
    description:
      "The ID of the proposal to which the dataset belongs.",
  },
  {
    name: "relationships",
    scicatName: "relationships",
    type: "Relationship[]",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Stores the relationships with other datasets.",
  },
  {
    name: "sampleId",
    scicatName: "sampleId",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: false },
    main: true,
    description:
      "ID of the sample used when collecting the data.",
  },
  {
    name: "sharedWith",
    scicatName: "sharedWith",
    type: "string[]",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "List of users that the dataset has been shared with.",
  },
  {
    name: "sourceFolder",
    scicatName: "sourceFolder",
    type: "RemotePath",
    required: true,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: true,
    description:
      "Absolute file path on file server containing the files of this dataset, e.g. /some/path/to/sourcefolder. In case of a single file dataset, e.g. HDF5 data, it contains the path up to, but excluding the filename. Trailing slashes are removed.",
  },
  {
    name: "sourceFolderHost",
    scicatName: "sourceFolderHost",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "DNS host name of file server hosting sourceFolder, optionally including a protocol e.g. [protocol://]fileserver1.example.com",
  },
  {
    name: "techniques",
    scicatName: "techniques",
    type: "Technique[]",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Stores the metadata information for techniques.",
  },
  {
    name: "updatedAt",
    scicatName: "updatedAt",
    type: "Date",
    required: false,
    readOnly: true,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Date and time when this record was updated last. This property is added and maintained by mongoose.",
  },
  {
    name: "updatedBy",
    scicatName: "updatedBy",
    type: "string",
    required: false,
    readOnly: true,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Indicate the user who updated this record last. This property is added and maintained by the system.",
  },
  {
    name: "usedSoftware",
    scicatName: "usedSoftware",
    type: "string[]",
    required: true,
    readOnly: false,
    usedBy: { raw: false, derived: true },
    main: false,
    description:
      "A list of links to software repositories which uniquely identifies the pieces of software, including versions, used for yielding the derived data. This field is required if the dataset is a Derived dataset.",
  },
  {
    name: "validationStatus",
    scicatName: "validationStatus",
    type: "string",
    required: false,
    readOnly: false,
    usedBy: { raw: true, derived: true },
    main: false,
    description:
      "Defines a level of trust, e.g. a measure of how much data was verified or used by other persons.",
  },
] as const satisfies readonly FieldSpec[];
