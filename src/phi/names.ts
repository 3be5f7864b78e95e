/**
 * @module phi/names
 * Common given names and surnames (frequent in US records) for spotting a person's name in
 * schema text. A name is flagged only as a given name followed by a surname, so single words
 * that happen to be names (mark, will, rose) in ordinary identifiers do not trip it.
 */

export const GIVEN_NAMES = new Set(
  `james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan
joseph jessica thomas sarah charles karen christopher lisa daniel nancy matthew betty anthony margaret
mark sandra donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth carol kevin
amanda brian dorothy george melissa timothy deborah ronald stephanie edward rebecca jason sharon jeffrey
laura ryan cynthia jacob kathleen gary amy nicholas angela eric shirley jonathan anna stephen brenda
larry pamela justin emma scott nicole brandon helen benjamin samantha samuel katherine gregory christine
alexander debra frank rachel patrick carolyn raymond janet jack catherine dennis maria jerry heather
tyler diane aaron ruth jose julie adam olivia nathan joyce henry virginia douglas victoria zachary kelly
peter lauren kyle christina ethan joan walter evelyn noah judith jeremy megan christian andrea keith
cheryl roger hannah terry jacqueline gerald martha harold gloria sean teresa austin ann carl sara
arthur madison lawrence frances dylan kathryn jesse janice jordan jean bryan abigail billy alice joe
judy bruce sophia gabriel grace logan denise albert amber willie doris alan marilyn juan danielle wayne
beverly elijah isabella randy theresa roy diana vincent natalie ralph brittany eugene charlotte russell
marie bobby kayla mason alexis philip lori louis jane`.split(/\s+/),
);

export const SURNAMES = new Set(
  `smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez
wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark
ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams
nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz
edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson
bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray
mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez doe roe`.split(/\s+/),
);
