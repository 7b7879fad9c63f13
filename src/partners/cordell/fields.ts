/** The document's vocabulary, spelled exactly as seed 004 spells it: every request parameter and response
 *  field of the four web methods, with the type its tables give (INTEGER -> xs:int, STRING -> xs:string).
 *  The WSDL's XSD, the XML and JSON views and the tests are all made from these lists, so a name is
 *  written once.
 *
 *  Where the document's own sample tags disagree with its parameter column (`<INGREDIENT DATASETID >`,
 *  `<INGREDIENT PLANT >`, `</ REGIONID >` closing INGREDIENTREGIONID), the parameter column wins: an XML
 *  name has no spaces, and the column is what the tables list. */

export type FieldType = 'int' | 'string'
export type Field = readonly [name: string, type: FieldType]

export const NS = 'http://www.cordell.com.au/Costing/'
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope'
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/'

export const DATASET_FIELDS: readonly Field[] = [
  ['DATASETID', 'int'],
  ['NAME', 'string'],
  ['DATASETSTATUS', 'string'],
  ['DATECREATED', 'string'],
  ['DATEMODIFIED', 'string'],
  ['DATEDELETED', 'string'],
]

export const CATEGORY_FIELDS: readonly Field[] = [
  ['CATEGORYID', 'int'],
  ['CODE', 'string'],
  ['DESCRIPTION', 'string'],
  ['LINENO', 'string'],
  ['CATEGORYSTATUS', 'string'],
  ['DATECREATED', 'string'],
  ['DATEMODIFIED', 'string'],
  ['DATEDELETED', 'string'],
  ['TIPID', 'int'],
  ['TIPDESCRIPTION', 'string'],
  ['TIPDATECREATED', 'string'],
  ['TIPDATEMODIFIED', 'string'],
  ['TIPDATEDELETED', 'string'],
]

export const ENTRY_FIELDS: readonly Field[] = [
  ['ENTRYID', 'int'],
  ['CATEGORYID', 'int'],
  ['TYPE', 'string'],
  ['CODE', 'string'],
  ['DESCRIPTION', 'string'],
  ['RECIPETYPEID', 'string'],
  ['COMPONENTTYPE', 'string'],
  ['ENTRYSTATUS', 'string'],
  ['DATECREATED', 'string'],
  ['DATEMODIFIED', 'string'],
  ['DATEDELETED', 'string'],
]

export const ITEM_FIELDS: readonly Field[] = [
  ['ITEMID', 'int'],
  ['ENTRYID', 'int'],
  ['CATEGORYID', 'int'],
  ['ITEMCODE', 'string'],
  ['DESCRIPTION', 'string'],
  ['WORKAREA', 'string'],
  ['UNITMEASURE', 'string'],
  ['ITEMSTATUS', 'string'],
  ['DATECREATED', 'string'],
  ['DATEMODIFIED', 'string'],
  ['DATEDELETED', 'string'],
]

export const INGREDIENT_FIELDS: readonly Field[] = [
  ['ID', 'int'],
  ['ITEMID', 'int'],
  ['QUANTITY', 'string'],
  ['ENTRYID', 'int'],
  ['CATEGORYID', 'int'],
  ['INGREDIENTID', 'int'],
  ['INGREDIENTITEMCODE', 'string'],
  ['DESCRIPTION', 'string'],
  ['UNITMEASURE', 'string'],
  ['INGREDIENTSTATUS', 'string'],
  ['DATECREATED', 'string'],
  ['DATEMODIFIED', 'string'],
  ['DATEDELETED', 'string'],
]

/** "Output Parameters for the response XML – Normal users". */
export const PRICE_FIELDS: readonly Field[] = [
  ['PRICESUMMARYID', 'int'],
  ['ITEMID', 'int'],
  ['DATASETID', 'int'],
  ['ITEMCODE', 'string'],
  ['LABOUR', 'string'],
  ['MATERIAL', 'string'],
  ['PLANT', 'string'],
  ['SUBCONTRACT', 'string'],
  ['TOTALBAPRICE', 'string'],
  ['ADJUSTMENTPERCENTAGE', 'string'],
  ['PUBLISHEDPRICE', 'string'],
  ['REGIONID', 'int'],
  ['PRICESECTORID', 'int'],
  ['PRICESUMMARYSTATUS', 'string'],
  ['DATECREATED', 'string'],
  ['DATEMODIFIED', 'string'],
  ['DATEDELETED', 'string'],
]

/** "… – Privileged users": the same fields, then the ingredient's price. */
export const INGREDIENT_PRICE_FIELDS: readonly Field[] = [
  ['INGREDIENTPRICESUMMARYID', 'int'],
  ['INGREDIENTITEMID', 'int'],
  ['INGREDIENTDATASETID', 'int'],
  ['INGREDIENTITEMCODE', 'string'],
  ['INGREDIENTLABOUR', 'string'],
  ['INGREDIENTMATERIAL', 'string'],
  ['INGREDIENTPLANT', 'string'],
  ['INGREDIENTSUBCONTRACT', 'string'],
  ['INGREDIENTTOTALBAPRICE', 'string'],
  ['INGREDIENTADJUSTMENTPERCENTAGE', 'string'],
  ['INGREDIENTPUBLISHEDPRICE', 'string'],
  ['INGREDIENTREGIONID', 'int'],
  ['INGREDIENTPRICESECTORID', 'int'],
]

/** A table of rows in a result: its row element's name and its columns. The document names the nodes of
 *  GetCategoryEntriesWithItems ("Entry, Items and Ingredients nodes"); the others are named after their
 *  table, the way a .NET DataSet writes one element per row named after its DataTable. */
export interface ResultTable {
  row: string
  fields: readonly Field[]
}

export type OperationName = 'GetDataSet' | 'GetCategories' | 'GetCategoryEntriesWithItems' | 'GetItemCostingById'

export interface Operation {
  name: OperationName
  /** The document's URL for it, under the partner prefix. */
  path: string
  input: readonly Field[]
  tables: readonly ResultTable[]
}

export const OPERATIONS: readonly Operation[] = [
  // The heading says GetDataSet, the URL says GetDataset: the element keeps the heading, the URL the URL.
  { name: 'GetDataSet', path: '/Costing/GetDataset/', input: [['COMPLETESET', 'int']], tables: [{ row: 'Dataset', fields: DATASET_FIELDS }] },
  { name: 'GetCategories', path: '/Costing/GetCategories/', input: [['COMPLETESET', 'int']], tables: [{ row: 'Category', fields: CATEGORY_FIELDS }] },
  {
    name: 'GetCategoryEntriesWithItems',
    path: '/Costing/GetCategoryEntriesWithItems/',
    // DATASET is a STRING in the document, though it carries a dataset id.
    input: [['DATASET', 'string'], ['COMPLETESET', 'int']],
    tables: [
      { row: 'Entry', fields: ENTRY_FIELDS },
      { row: 'Items', fields: ITEM_FIELDS },
      { row: 'Ingredients', fields: INGREDIENT_FIELDS },
    ],
  },
  {
    name: 'GetItemCostingById',
    // Under Projects/, not Costing/, as the document writes it.
    path: '/Projects/GetItemCostingById/',
    input: [['ITEMCODE', 'string'], ['DATASETID', 'int'], ['REGIONID', 'int']],
    tables: [{ row: 'PriceSummary', fields: [...PRICE_FIELDS, ...INGREDIENT_PRICE_FIELDS] }],
  },
]

export function operationNamed(name: string): Operation | undefined {
  return OPERATIONS.find((o) => o.name === name)
}

/** The SOAP action of an operation, ASMX style: the namespace and the method name. */
export function actionOf(name: OperationName): string {
  return ACTIONS.get(name)!
}

const ACTIONS = new Map(OPERATIONS.map((o) => [o.name, `${NS}${o.name}`]))
