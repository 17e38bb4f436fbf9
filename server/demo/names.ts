/** Common surnames, most frequent first, so the weighted pick looks like a real roll. */
export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳'.split(
    '',
  );

export const GIVEN_MALE =
  '伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志文斌海东峰晨亮成博子豪宏伟嘉俊梓轩浩然宇航'.split('');
export const GIVEN_FEMALE = '芳娜敏静丽艳娟霞秀燕玲桂英红梅琳雪婷洁慧莉萍颖琴晶欣怡佳宁倩雯悦彤萱涵琪瑶嘉'.split('');

/** First six digits of Shenzhen / Guangdong / other common resident ID regions. */
export const ID_REGIONS = [
  '440301',
  '440303',
  '440304',
  '440305',
  '440306',
  '440104',
  '440106',
  '430102',
  '420106',
  '360102',
  '450102',
  '350203',
  '510107',
  '110105',
  '310115',
];

export const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'.split('');
export const PLATE_PROVINCES = ['粤', '粤', '粤', '粤', '粤', '粤', '湘', '赣', '桂', '鄂', '闽'];
export const MOBILE_PREFIXES = [
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '158',
  '159',
  '177',
  '180',
  '186',
  '187',
  '188',
  '189',
  '191',
  '199',
  '133',
  '153',
];
